import type { SyntaxNode } from '@lezer/common';
import { classBases, classMethod, ProjectModules, type PyModule } from './project-modules.js';
import { saType, type SaType } from './sqlalchemy.js';
import { bodyStatements } from './syntax.js';
import { asCall, lastName, type Scope } from './values.js';

/**
 * SQLAlchemy types a project defines itself (`TypeDecorator` subclasses: prefect's
 * `Pydantic`, `Timestamp`, `UUID`), read from their module (project-modules.ts) as
 * SQLAlchemy compiles them for PostgreSQL: what `load_dialect_impl` returns in its
 * PostgreSQL branch, else `impl = …`, else the type class they extend. Without this, such a
 * column is typed by the class's name (`"pydantic"`), a type PostgreSQL does not have, and
 * the trial fails the migration that creates the table.
 */

type ReadFile = (file: string) => string;

/** How many classes up a chain of impls and bases is followed. */
const DEPTH = 8;

export class SaCustomTypes {
  private readonly modules: ProjectModules;

  constructor(readFile: ReadFile) {
    this.modules = new ProjectModules(readFile);
  }

  /** Modules read since the caller last cleared it (see ProjectModules.touched). */
  get touched(): Set<string> {
    return this.modules.touched;
  }

  /** Lets saType in this scope (a migration's, at `file`) ask for the project's types. */
  bind(scope: Scope, file: string, depth = 0): void {
    scope.customType = (qualified) => this.resolve(qualified, file, depth);
  }

  /** The type class `qualified` (imports expanded: `prefect.server.utilities.database.Pydantic`) as PostgreSQL. */
  resolve(qualified: string, fromFile: string, depth = 0): SaType | undefined {
    const dot = qualified.lastIndexOf('.');
    if (dot < 0 || depth > DEPTH || qualified.startsWith('sqlalchemy.')) return undefined;
    const mod = this.modules.find(qualified.slice(0, dot), fromFile);
    return mod ? this.fromClass(mod, qualified.slice(dot + 1), depth) : undefined;
  }

  private fromClass(mod: PyModule, name: string, depth: number): SaType | undefined {
    const cls = mod.scope.classes.get(name);
    if (!cls || depth > DEPTH) return undefined;
    // Types the module's classes name resolve through the module's own imports.
    this.bind(mod.scope, mod.file, depth + 1);
    const impl = postgresImpl(mod.scope, cls) ?? implAssignment(mod.scope, cls);
    if (impl) {
      const local = localClass(mod.scope, impl);
      const found = local ? this.fromClass(mod, local, depth + 1) : saType(mod.scope, impl);
      if (found) return found;
    }
    for (const base of classBases(mod.scope, cls)) {
      const last = base.slice(base.lastIndexOf('.') + 1);
      if (/^(TypeDecorator|TypeEngine|UserDefinedType)$/.test(last) || /\[/.test(base)) continue;
      if (mod.scope.classes.has(base)) {
        const found = this.fromClass(mod, base, depth + 1);
        if (found) return found;
      } else {
        const found = this.resolve(mod.scope.qualify(base), mod.file, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
}

/** `impl = postgresql.JSONB` (annotated or not) in the class body: the expression. */
function implAssignment(scope: Scope, cls: SyntaxNode): SyntaxNode | undefined {
  for (const s of bodyStatements(cls.getChild('Body'))) {
    const target = s.firstChild;
    if (s.name !== 'AssignStatement' || target?.name !== 'VariableName' || scope.file.src(target) !== 'impl') continue;
    let value: SyntaxNode | null = null;
    for (let c: SyntaxNode | null = target; c; c = c.nextSibling) if (c.name === 'AssignOp') value = c.nextSibling;
    return value ?? undefined;
  }
  return undefined;
}

/**
 * What `load_dialect_impl` returns for PostgreSQL: the return in the branch whose test
 * names postgres (`if dialect.name == "postgresql":`), else its only return;
 * `dialect.type_descriptor(X)` is X.
 */
function postgresImpl(scope: Scope, cls: SyntaxNode): SyntaxNode | undefined {
  const def = classMethod(scope, cls, 'load_dialect_impl');
  if (!def) return undefined;
  const returns: { node: SyntaxNode; postgres: boolean }[] = [];
  const visit = (n: SyntaxNode, postgres: boolean) => {
    if (n.name === 'ReturnStatement') {
      const value = n.lastChild && n.lastChild.name !== 'return' ? n.lastChild : null;
      if (value) returns.push({ node: value, postgres });
      return;
    }
    if (n.name === 'IfStatement') {
      // The children run: keyword, test, Body, keyword, test, Body, ..., else, Body.
      let test = false;
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.name === 'Body') visit(c, postgres || test);
        else if (c.name !== 'if' && c.name !== 'elif' && c.name !== 'else') test = /postgres/i.test(scope.file.src(c));
        else test = false;
      }
      return;
    }
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'FunctionDefinition' && c.name !== 'ClassDefinition') visit(c, postgres);
  };
  visit(def.getChild('Body') ?? def, false);
  const chosen = returns.find((r) => r.postgres) ?? (returns.length === 1 ? returns[0] : undefined);
  if (!chosen) return undefined;
  const call = asCall(scope.file, chosen.node);
  return call && lastName(call.callee) === 'type_descriptor' && call.args[0] ? call.args[0] : chosen.node;
}

/** The name of a class of this module an expression names (`JSON`, `JSON()`), if it does. */
function localClass(scope: Scope, node: SyntaxNode): string | undefined {
  const call = asCall(scope.file, node);
  const name = call ? call.callee : scope.file.src(node);
  return scope.classes.has(name) ? name : undefined;
}

const perRun = new WeakMap<ReadFile, SaCustomTypes>();

/** One resolver per run (the run's readFile), so each module is read once. */
export function saCustomTypesFor(readFile: ReadFile): SaCustomTypes {
  let types = perRun.get(readFile);
  if (!types) perRun.set(readFile, (types = new SaCustomTypes(readFile)));
  return types;
}
