import path from 'node:path';
import type * as t from '@babel/types';
import { unwrapTs } from './scope.js';
import { fixedPiece } from './text.js';
import { SYNTHETIC_STRING } from './values.js';

/**
 * Constants a migration imports from the project's own modules
 * (`import { UserRole } from '../../common/helpers/types/permission'`): an exported enum
 * whose members are strings, or an exported `const` bound to a string (or an object or
 * array of them), read from the module so that `UserRole.MEMBER` is `'member'` in the SQL
 * rather than a value known only at run time (docmost's `defaultTo(UserRole.MEMBER)`,
 * which left its first `CREATE TABLE` out of the trial and everything after with it).
 * Only relative imports are followed: a package's module is not the project's.
 */

type ReadFile = (file: string) => string;
type Parse = (text: string, file: string) => t.File;

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** Modules read in a run, by the path they were imported as (null: none there, or it does not parse). */
const perRun = new WeakMap<ReadFile, Map<string, { file: string; program: t.Program } | null>>();

/** The exported binding `imported` of the module `source` imported by `fromFile`, as an expression node; undefined when not a literal constant. */
export function importedConstant(source: string, imported: string, fromFile: string, readFile: ReadFile, parse: Parse): { node: t.Node; file: string } | undefined {
  if (!source.startsWith('.')) return undefined;
  const mod = moduleAt(path.join(path.dirname(fromFile), source), readFile, parse);
  const node = mod ? exportedConstant(mod.program, imported) : undefined;
  return node && mod ? { node, file: mod.file } : undefined;
}

/** The module a relative import names (`./x` is `x`, `x.ts`, …, `x/index.ts`, …), read and parsed once per run. */
function moduleAt(base: string, readFile: ReadFile, parse: Parse): { file: string; program: t.Program } | undefined {
  let modules = perRun.get(readFile);
  if (!modules) perRun.set(readFile, (modules = new Map()));
  const known = modules.get(base);
  if (known !== undefined) return known ?? undefined;
  let found: { file: string; program: t.Program } | null = null;
  for (const file of [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))]) {
    let text: string;
    try {
      text = readFile(file);
    } catch {
      continue;
    }
    try {
      found = { file, program: parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file).program };
    } catch {
      // not a module migratelint can read: its constants stay unknown
    }
    break;
  }
  modules.set(base, found);
  return found ?? undefined;
}

function exportedConstant(program: t.Program, name: string): t.Node | undefined {
  for (const stmt of program.body) {
    if (stmt.type !== 'ExportNamedDeclaration' || !stmt.declaration) continue;
    const d = stmt.declaration;
    if (d.type === 'TSEnumDeclaration' && d.id.name === name) return enumObject(d);
    if (d.type === 'VariableDeclaration' && d.kind === 'const') {
      for (const v of d.declarations) {
        if (v.id.type === 'Identifier' && v.id.name === name && v.init) return detached(unwrapTs(v.init));
      }
    }
  }
  return undefined;
}

/** An enum as the object TypeScript compiles it to; undefined unless every member is a string. */
function enumObject(d: t.TSEnumDeclaration): t.Node | undefined {
  const members = (d as { members?: t.TSEnumMember[] }).members ?? (d as { body?: { members: t.TSEnumMember[] } }).body?.members ?? [];
  const properties: t.ObjectProperty[] = [];
  for (const m of members) {
    const init = m.initializer ? detached(unwrapTs(m.initializer)) : undefined;
    if (!init) return undefined;
    properties.push(property(m.id.type === 'Identifier' ? m.id.name : m.id.value, init));
  }
  return { type: 'ObjectExpression', properties } as unknown as t.Node;
}

/**
 * A constant of another file, rebuilt without that file's positions (the evaluator reads
 * literals from the migration's own text by position): strings become already-evaluated
 * strings; objects and arrays of them are rebuilt. Undefined for anything else.
 */
function detached(n: t.Node): t.Node | undefined {
  switch (n.type) {
    case 'StringLiteral':
      return synthetic(n.value);
    case 'TemplateLiteral':
      return n.expressions.length === 0 && n.quasis[0]?.value.cooked !== undefined && n.quasis[0].value.cooked !== null ? synthetic(n.quasis[0].value.cooked) : undefined;
    case 'ArrayExpression': {
      const elements = n.elements.map((e) => (e && e.type !== 'SpreadElement' ? detached(unwrapTs(e)) : undefined));
      return elements.every(Boolean) ? ({ type: 'ArrayExpression', elements } as unknown as t.Node) : undefined;
    }
    case 'ObjectExpression': {
      const properties: t.ObjectProperty[] = [];
      for (const p of n.properties) {
        if (p.type !== 'ObjectProperty' || p.computed) return undefined;
        const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
        const value = detached(unwrapTs(p.value));
        if (key === undefined || !value) return undefined;
        properties.push(property(key, value));
      }
      return { type: 'ObjectExpression', properties } as unknown as t.Node;
    }
    default:
      return undefined;
  }
}

function synthetic(value: string): t.Node {
  return { type: SYNTHETIC_STRING, pieces: [fixedPiece(value, 0)] } as unknown as t.Node;
}

function property(key: string, value: t.Node): t.ObjectProperty {
  return { type: 'ObjectProperty', key: { type: 'Identifier', name: key }, value, computed: false, shorthand: false } as unknown as t.ObjectProperty;
}
