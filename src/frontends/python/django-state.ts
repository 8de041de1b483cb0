/**
 * The Django project state a migration starts from: the models its dependencies left
 * behind. Dependencies are followed through the `dependencies` list (same app: the
 * same folder; another app: `<apps root>/<app>/migrations/`), read with the lint run's
 * own readFile, and replayed without emitting SQL. One cache per lint run (keyed by its
 * readFile), so 2,000 migrations of one app are each parsed once.
 */
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import type { ReadFile } from '../registry.js';
import { isKnownField, type DjField, type ModelLookup } from './django-fields.js';
import { CustomFieldTypes } from './django-custom-fields.js';
import { PyFile, bodyStatements } from './syntax.js';
import { Scope, asCall, constOf, itemsOf, lastName, boolConst } from './values.js';

export interface DjModel {
  key: string;
  app: string;
  /** Lower-case model name. */
  name: string;
  table: string;
  fields: Map<string, DjField>;
  uniqueTogether: string[][];
  indexTogether: string[][];
  /** Indexes and constraints by name (Meta.indexes / constraints, AddIndex, AddConstraint). */
  constraints: Map<string, DjConstraint>;
  managed: boolean;
  /** A proxy model's base (`bases=('shop.book',)`): its table and key are the base's. */
  proxyOf?: string;
  /** Created on the fly for a model no earlier migration defines (its history is unknown). */
  stub?: boolean;
}

/** An index or a table constraint of a model, and how to create it again (its reverse needs that). */
export interface DjConstraint {
  kind: 'index' | 'constraint';
  /**
   * Its SQL as printed when it was defined, on `table`: `sql` (ALTER TABLE ... ADD, or
   * CREATE [UNIQUE] INDEX), `concurrently` (a plain index built CONCURRENTLY), `inline`
   * (its clause inside CREATE TABLE, when it has one). Undefined when the definition was not
   * understood, or a column was renamed since (the print names the old column).
   */
  create?: { table: string; sql: string; concurrently?: string; inline?: string };
}

export type DjState = Map<string, DjModel>;

/**
 * Adds a dependency's state to the state a migration starts from. A model both hold
 * (branches joined by a merge migration) keeps the later dependency's version, with the
 * fields, indexes and constraints only the other branch added: each branch's additions
 * survive the merge, as they do in Django's replay of the whole graph. (A field one
 * branch removed and the other kept comes back; that case is rarer than an addition.)
 */
export function mergeState(into: DjState, from: DjState): void {
  for (const [key, model] of from) {
    const have = into.get(key);
    if (!have || have === model) {
      into.set(key, model);
      continue;
    }
    const fields = new Map(model.fields);
    for (const [name, field] of have.fields) if (!fields.has(name)) fields.set(name, field);
    const constraints = new Map(model.constraints);
    for (const [name, c] of have.constraints) if (!constraints.has(name)) constraints.set(name, c);
    into.set(key, { ...model, fields, constraints });
  }
}

/** Models of django.contrib apps, whose migrations are not in the project. */
const BUILTIN: Record<string, { table: string; pkType: string; pk?: string }> = {
  'auth.user': { table: 'auth_user', pkType: 'integer' },
  'auth.group': { table: 'auth_group', pkType: 'integer' },
  'auth.permission': { table: 'auth_permission', pkType: 'integer' },
  'contenttypes.contenttype': { table: 'django_content_type', pkType: 'integer' },
  'sites.site': { table: 'django_site', pkType: 'integer' },
  'admin.logentry': { table: 'django_admin_log', pkType: 'integer' },
  'sessions.session': { table: 'django_session', pkType: 'varchar(40)', pk: 'session_key' },
  'flatpages.flatpage': { table: 'django_flatpage', pkType: 'integer' },
  'redirects.redirect': { table: 'django_redirect', pkType: 'integer' },
};

export function defaultTable(key: string): string {
  return key.replace('.', '_');
}

export function lookupFor(state: DjState, fieldClass?: ModelLookup['fieldClass']): ModelLookup {
  // A foreign key to a proxy model references its concrete model's table.
  const concrete = (key: string): string => {
    for (let i = 0; i < 8; i++) {
      const base = state.get(key)?.proxyOf;
      if (!base) break;
      key = base;
    }
    return key;
  };
  return {
    pkOf(proxyOrKey) {
      const key = concrete(proxyOrKey);
      const model = state.get(key);
      if (model && !model.stub) {
        for (const f of model.fields.values()) if (f.primaryKey && f.type) return { column: f.column, type: f.type };
        return { column: 'id', type: 'bigint' };
      }
      const builtin = BUILTIN[key];
      return builtin ? { column: builtin.pk ?? 'id', type: builtin.pkType } : undefined;
    },
    tableOf(proxyOrKey) {
      const key = concrete(proxyOrKey);
      return state.get(key)?.table ?? BUILTIN[key]?.table ?? defaultTable(key);
    },
    ...(fieldClass ? { fieldClass } : {}),
  };
}

/**
 * A model that may be changed: copied on first write within one migration. A model no
 * earlier migration defines gets a stub, so what this migration adds to it is remembered.
 */
export function mutableModel(state: DjState, key: string, owned: Set<DjModel>): DjModel {
  const model = state.get(key);
  if (!model) {
    const dot = key.indexOf('.');
    const stub: DjModel = {
      key,
      app: key.slice(0, dot),
      name: key.slice(dot + 1),
      table: BUILTIN[key]?.table ?? defaultTable(key),
      fields: new Map(),
      uniqueTogether: [],
      indexTogether: [],
      constraints: new Map(),
      managed: !BUILTIN[key],
      stub: true,
    };
    owned.add(stub);
    state.set(key, stub);
    return stub;
  }
  if (owned.has(model)) return model;
  const copy: DjModel = {
    ...model,
    fields: new Map(model.fields),
    uniqueTogether: model.uniqueTogether.slice(),
    indexTogether: model.indexTogether.slice(),
    constraints: new Map(model.constraints),
  };
  owned.add(copy);
  state.set(key, copy);
  return copy;
}

// ---------------------------------------------------------------------------
// Reading migration files

export interface DjMigrationInfo {
  path: string;
  file: PyFile;
  scope: Scope;
  classScope: Scope;
  cls: SyntaxNode;
  app: string;
  name: string;
  dependencies: [string, string][];
  replaces: [string, string][];
  /** `run_before`: migrations (of other apps) that must run after this one. */
  runBefore: [string, string][];
  atomic: boolean;
  initial: boolean;
  /** The operation call nodes, or undefined when `operations` could not be read. */
  operations: SyntaxNode[] | undefined;
  operationsNode?: SyntaxNode;
  /** The project's own field classes (django-custom-fields.ts); unset, they are typed by name. */
  customFields?: CustomFieldTypes;
}

/** `<app>/migrations/0001_x.py` → app; otherwise the folder's name. */
export function appLabel(file: string): string {
  const dir = path.dirname(file);
  const base = path.basename(dir);
  const label = base === 'migrations' ? path.basename(path.dirname(dir)) : base;
  return label && label !== '.' && label !== '..' ? label : 'app';
}

/** The `class Migration(migrations.Migration)` of a module, if any. */
export function migrationClass(file: PyFile): SyntaxNode | undefined {
  for (const s of bodyStatements(file.top)) {
    const def = s.name === 'DecoratedStatement' ? s.lastChild : s;
    if (def?.name !== 'ClassDefinition') continue;
    const name = def.getChild('VariableName');
    if (!name || file.src(name) !== 'Migration') continue;
    const bases = def.getChild('ArgList');
    if (bases && /Migration\b/.test(file.src(bases))) return def;
  }
  return undefined;
}

function pairs(scope: Scope, node: SyntaxNode | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const item of itemsOf(scope, node) ?? []) {
    const v = constOf(scope, item);
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') {
      out.push([v[0], v[1]]);
      continue;
    }
    // migrations.swappable_dependency(settings.AUTH_USER_MODEL)
    const call = asCall(scope.file, item);
    if (call && lastName(call.callee) === 'swappable_dependency') {
      const setting = scope.file.src(call.args[0] ?? call.node);
      out.push(/AUTH_USER_MODEL/.test(setting) ? ['auth', '__first__'] : [`__setting__`, setting]);
    }
  }
  return out;
}

/** The operation calls of an `operations` value: a list, or lists joined with `+`. */
export function operationNodes(scope: Scope, node: SyntaxNode | undefined): SyntaxNode[] | undefined {
  if (!node) return undefined;
  const items = itemsOf(scope, node);
  if (items) return items;
  if (node.name === 'BinaryExpression') {
    const [l, op, r] = [node.firstChild, node.firstChild?.nextSibling, node.lastChild];
    if (l && op && r && scope.file.src(op) === '+') {
      const left = operationNodes(scope, l);
      const right = operationNodes(scope, r);
      if (left && right) return [...left, ...right];
    }
  }
  return undefined;
}

export function migrationInfo(filePath: string, file: PyFile, scope: Scope, cls: SyntaxNode): DjMigrationInfo {
  const classScope = Scope.function(cls, scope);
  const attr = (name: string) => classScope.lookup(name, Number.MAX_SAFE_INTEGER);
  const operationsNode = attr('operations');
  return {
    path: filePath,
    file,
    scope,
    classScope,
    cls,
    app: appLabel(filePath),
    name: path.basename(filePath).replace(/\.py$/i, ''),
    dependencies: pairs(classScope, attr('dependencies')),
    replaces: pairs(classScope, attr('replaces')),
    runBefore: pairs(classScope, attr('run_before')),
    atomic: boolConst(classScope, attr('atomic')) !== false,
    initial: boolConst(classScope, attr('initial')) === true,
    operations: operationsNode ? operationNodes(classScope, operationsNode) : [],
    operationsNode,
  };
}

/** Replays a migration's operations on a state, without SQL. Set by django.ts (avoids an import cycle). */
export type Replay = (info: DjMigrationInfo, state: DjState) => void;

interface Entry {
  text?: string;
  info?: DjMigrationInfo;
  after?: DjState;
  visiting?: boolean;
  /** Files of the migrations it depends on (kept after `info` is dropped). */
  depFiles?: string[];
  /** Modules of the project's own field classes its replay read (django-custom-fields.ts). */
  fieldFiles?: string[];
}

export class DjangoProject {
  private readonly entries = new Map<string, Entry>();
  /** The project's own field classes, read once for all its migrations. */
  readonly customFields: CustomFieldTypes;

  constructor(
    private readonly readFile: ReadFile,
    private readonly replay: Replay,
  ) {
    this.customFields = new CustomFieldTypes(readFile, isKnownField);
  }

  /** Registers the migration being linted (already parsed). */
  register(info: DjMigrationInfo, text: string): void {
    const e = this.entries.get(info.path);
    if (!e || e.text !== text) this.entries.set(info.path, { text, info });
  }

  private entry(file: string, requesterText: string): Entry | undefined {
    let e = this.entries.get(file);
    if (e) return e.info || e.after ? e : undefined;
    e = {};
    this.entries.set(file, e);
    let text: string;
    try {
      text = this.readFile(file);
    } catch {
      return undefined;
    }
    // lintText hands the same text back for every path: that is no dependency.
    if (text === requesterText) return undefined;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      const py = new PyFile(file, text);
      if (py.syntaxError()) return undefined;
      const scope = Scope.module(py);
      const cls = migrationClass(py);
      if (!cls) return undefined;
      e.text = text;
      e.info = { ...migrationInfo(file, py, scope, cls), customFields: this.customFields };
      e.depFiles = this.dependencyFiles(e.info);
    } catch {
      return undefined;
    }
    return e;
  }

  dependencyPath(info: DjMigrationInfo, [app, name]: [string, string]): string | undefined {
    if (name === '__latest__' || app === '__setting__') return undefined;
    const file = `${name === '__first__' ? '0001_initial' : name}.py`;
    const dir = path.dirname(info.path);
    if (app === info.app) return path.join(dir, file);
    return path.join(path.dirname(path.dirname(dir)), app, 'migrations', file);
  }

  private dependencyFiles(info: DjMigrationInfo): string[] {
    return info.dependencies.map((dep) => this.dependencyPath(info, dep)).filter((f): f is string => !!f);
  }

  /**
   * Every earlier migration file whose state `info`'s lowering depends on (read ones only),
   * with the field modules their replays read.
   */
  ancestorFiles(info: DjMigrationInfo): string[] {
    const seen = new Set<string>();
    const modules = new Set<string>();
    const stack = this.dependencyFiles(info);
    while (stack.length) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      const e = this.entries.get(file);
      if (!e?.text) continue;
      seen.add(file);
      for (const m of e.fieldFiles ?? []) modules.add(m);
      stack.push(...(e.depFiles ?? []));
    }
    return [...seen, ...[...modules].filter((m) => !seen.has(m))].sort();
  }

  /** The state before a migration: its dependencies' states merged. */
  stateBefore(info: DjMigrationInfo, text: string): DjState {
    const state: DjState = new Map();
    for (const dep of info.dependencies) {
      const file = this.dependencyPath(info, dep);
      const after = file ? this.stateAfter(file, text) : undefined;
      if (after) mergeState(state, after);
    }
    return state;
  }

  /** The state after a migration file, computing its dependencies first (iteratively: chains are long). */
  private stateAfter(start: string, requesterText: string): DjState | undefined {
    const stack = [start];
    while (stack.length) {
      const file = stack[stack.length - 1];
      const e = this.entry(file, requesterText);
      if (!e?.info || e.after) {
        stack.pop();
        continue;
      }
      if (e.visiting) {
        const state: DjState = new Map();
        for (const dep of e.info.dependencies) {
          const depFile = this.dependencyPath(e.info, dep);
          const after = depFile ? this.entries.get(depFile)?.after : undefined;
          if (after) mergeState(state, after);
        }
        this.customFields.touched.clear();
        try {
          this.replay(e.info, state);
        } catch {
          // A migration we cannot replay leaves the state as its dependencies had it.
        }
        if (this.customFields.touched.size) e.fieldFiles = [...this.customFields.touched];
        e.after = state;
        e.visiting = false;
        // The syntax tree is no longer needed once the state after the file is known.
        e.info = undefined;
        stack.pop();
        continue;
      }
      e.visiting = true;
      for (const dep of e.info.dependencies) {
        const depFile = this.dependencyPath(e.info, dep);
        if (!depFile) continue;
        const d = this.entry(depFile, requesterText);
        if (d?.info && !d.after && !d.visiting) stack.push(depFile);
      }
    }
    return this.entries.get(start)?.after;
  }
}

const projects = new WeakMap<ReadFile, DjangoProject>();

export function projectFor(readFile: ReadFile, replay: Replay): DjangoProject {
  let p = projects.get(readFile);
  if (!p) projects.set(readFile, (p = new DjangoProject(readFile, replay)));
  return p;
}

