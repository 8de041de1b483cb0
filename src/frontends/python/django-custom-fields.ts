import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { bodyStatements, PyFile } from './syntax.js';
import { dotted, Scope, strConst } from './values.js';

/**
 * Field classes a project defines itself (`ipam.fields.IPNetworkField`), read from their
 * module as Django would use them: the type their `db_type()` returns (NetBox's
 * `return 'cidr'`), else the field they extend, followed to a Django field
 * (`class CounterCacheField(models.BigIntegerField)`). Without this, a class migratelint
 * does not know is typed by its name (`…CharField` → varchar, else text), and an index
 * with `inet_ops` on such a column fails in the trial although it runs on production.
 *
 * Modules are found the way Python finds them from the project root: for a migration at
 * `<root>/<app>/migrations/…`, `ipam.fields` is `ipam/fields.py` or `ipam/fields/__init__.py`
 * under one of the migration's ancestor folders. A class from an installed package (not
 * in the project) stays unknown.
 */

type ReadFile = (file: string) => string;

/** What a field class stands for: a PostgreSQL type of its own, or the Django field class it extends. */
export type FieldClass = { type: string } | { kind: string };

/** How far up from a migration the project root may be. */
const ROOT_DEPTH = 6;
/** How many classes up a chain of bases is followed. */
const BASE_DEPTH = 8;

export class CustomFieldTypes {
  private readonly modules = new Map<string, { scope: Scope; file: string } | null>();
  /**
   * Modules used since the caller last cleared it, for the cache's inputs: a change to one
   * changes the lowering.
   */
  readonly touched = new Set<string>();

  constructor(
    private readonly readFile: ReadFile,
    /** Django's own field classes by name (`CharField`): where a chain of bases stops. */
    private readonly isDjangoField: (name: string) => boolean,
  ) {}

  /** The class `classPath` (imports expanded: `ipam.fields.IPNetworkField`) used in the migration at `fromFile`. */
  resolve(classPath: string, fromFile: string): FieldClass | undefined {
    const dot = classPath.lastIndexOf('.');
    if (dot < 0) return undefined;
    const mod = this.module(classPath.slice(0, dot), fromFile);
    return mod ? this.fromClass(mod, classPath.slice(dot + 1), fromFile, 0) : undefined;
  }

  private fromClass(mod: { scope: Scope; file: string }, name: string, fromFile: string, depth: number): FieldClass | undefined {
    const cls = mod.scope.classes.get(name);
    if (!cls || depth > BASE_DEPTH) return undefined;
    const own = dbType(mod.scope, cls);
    if (own) return { type: own };
    for (const base of bases(mod.scope, cls)) {
      const last = base.slice(base.lastIndexOf('.') + 1);
      if (mod.scope.classes.has(base)) {
        const found = this.fromClass(mod, base, fromFile, depth + 1);
        if (found) return found;
        continue;
      }
      const qualified = mod.scope.qualify(base);
      if (/^django\.(db\.models|contrib\.postgres)\b/.test(qualified) || (base.startsWith('models.') && this.isDjangoField(last))) {
        if (this.isDjangoField(last)) return { kind: last };
        continue;
      }
      const dot = qualified.lastIndexOf('.');
      const other = dot > 0 ? (qualified.startsWith('.') ? this.relative(qualified.slice(0, dot), mod.file) : this.module(qualified.slice(0, dot), fromFile)) : undefined;
      const found = other ? this.fromClass(other, qualified.slice(dot + 1), fromFile, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  private module(name: string, fromFile: string): { scope: Scope; file: string } | undefined {
    if (!/^[\w.]+$/.test(name) || name.startsWith('django.')) return undefined;
    const rel = name.split('.').join('/');
    let dir = path.dirname(fromFile);
    for (let i = 0; i < ROOT_DEPTH; i++, dir = path.dirname(dir)) {
      const mod = this.first([path.join(dir, `${rel}.py`), path.join(dir, rel, '__init__.py')]);
      if (mod) return mod;
      if (dir === path.dirname(dir)) break;
    }
    return undefined;
  }

  /** `from .base import X` in `pkg/fields.py` (or `pkg/fields/__init__.py`): a module next to the importing one. */
  private relative(name: string, importer: string): { scope: Scope; file: string } | undefined {
    const dots = /^\.+/.exec(name)![0].length;
    let dir = path.dirname(importer);
    for (let i = 1; i < dots; i++) dir = path.dirname(dir);
    const rel = name.slice(dots).split('.').filter(Boolean).join('/');
    return this.first(rel ? [path.join(dir, `${rel}.py`), path.join(dir, rel, '__init__.py')] : [path.join(dir, '__init__.py')]);
  }

  /** The first of these files that is a module (each read once), noted as touched. */
  private first(candidates: string[]): { scope: Scope; file: string } | undefined {
    for (const candidate of candidates) {
      if (this.modules.get(candidate) === null) continue;
      const mod = this.modules.get(candidate) ?? this.read(candidate);
      this.modules.set(candidate, mod ?? null);
      if (mod) {
        this.touched.add(candidate);
        return mod;
      }
    }
    return undefined;
  }

  private read(file: string): { scope: Scope; file: string } | undefined {
    let text: string;
    try {
      text = this.readFile(file);
    } catch {
      return undefined;
    }
    const py = new PyFile(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return py.syntaxError() ? undefined : { scope: Scope.module(py), file };
  }
}

/** The class's base classes as written (`models.CharField`, `BaseIPField`). */
function bases(scope: Scope, cls: SyntaxNode): string[] {
  const args = cls.getChild('ArgList');
  const out: string[] = [];
  for (let c = args?.firstChild; c; c = c.nextSibling) {
    const name = dotted(scope.file, c);
    if (name && !name.endsWith('()')) out.push(name);
  }
  return out;
}

/** What `def db_type(self, connection): return '<type>'` returns, when that is its only return. */
function dbType(scope: Scope, cls: SyntaxNode): string | undefined {
  for (const s of bodyStatements(cls.getChild('Body'))) {
    const def = s.name === 'DecoratedStatement' ? s.lastChild : s;
    if (def?.name !== 'FunctionDefinition' || scope.file.src(def.getChild('VariableName')!) !== 'db_type') continue;
    const returns: string[] = [];
    const visit = (n: SyntaxNode) => {
      if (n.name === 'ReturnStatement') {
        const value = n.lastChild && n.lastChild.name !== 'return' ? strConst(scope, n.lastChild) : undefined;
        returns.push(value ?? '');
      }
      for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'FunctionDefinition') visit(c);
    };
    visit(def.getChild('Body') ?? def);
    return returns.length === 1 && /^[a-z][\w ]*(\(\d+(,\s*\d+)?\))?(\[\])?$/i.test(returns[0]) ? returns[0] : undefined;
  }
  return undefined;
}
