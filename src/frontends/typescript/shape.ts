/**
 * Finding the up and down of a code migration in each framework's shapes, and
 * telling the frameworks apart.
 *
 *   exports.up = ... / module.exports = { up, down } / export async function up()
 *   export default { up, down } / TypeORM classes implementing MigrationInterface
 *   MikroORM Migration subclasses / db-migrate exports.up = function (db, callback)
 */
import type * as t from '@babel/types';
import type { MigrationFormat } from '../../ir/types.js';
import { CONTEXT_KEYS, isFunctionNode, keyName, propertyName, unwrapTs, type FunctionNode } from './scope.js';
import { connectionLibraryByUsage } from './param-usage.js';

export type Part =
  | { kind: 'fn'; fn: FunctionNode; at: t.Node }
  /** `exports.down = false`: node-pg-migrate's way to say "irreversible". */
  | { kind: 'false'; at: t.Node; text: string }
  /** Defined somewhere this file does not show (an import, a computed value). */
  | { kind: 'other'; at: t.Node; node: t.Node };

export interface MigrationShape {
  up?: Part;
  down?: Part;
  /** The migration class (TypeORM, MikroORM), when it is one. */
  cls?: t.ClassDeclaration | t.ClassExpression;
  /** Other exports the frameworks read: knex `config`, node-pg-migrate `shorthands`, db-migrate `_meta`/`setup`. */
  exports: Map<string, t.Node>;
  /** Top-level declarations, for resolving names. */
  declarations: Map<string, t.Node>;
  /** Module names imported or required. */
  imports: Set<string>;
  /** Local names bound by imports, with their module. */
  importedNames: Map<string, { source: string; imported: string }>;
}

const SEQUELIZE_MODULES = /^(sequelize|sequelize-typescript|@sequelize\/core|sequelize-cli|umzug)$/;

export function findShape(program: t.Program): MigrationShape {
  const shape: MigrationShape = { exports: new Map(), declarations: new Map(), imports: new Set(), importedNames: new Map() };
  // Classes, and whether the module exports them.
  const classes: { cls: t.ClassDeclaration | t.ClassExpression; exported: boolean }[] = [];
  let moduleExports: t.Node | undefined;

  const declare = (node: t.Node, exported = false) => {
    if (node.type === 'FunctionDeclaration' && node.id) shape.declarations.set(node.id.name, node);
    else if (node.type === 'ClassDeclaration') {
      if (node.id) shape.declarations.set(node.id.name, node);
      classes.push({ cls: node, exported });
    } else if (node.type === 'VariableDeclaration') {
      for (const d of node.declarations) {
        if (d.id.type === 'Identifier' && d.init) {
          shape.declarations.set(d.id.name, d.init);
          const init = unwrapTs(d.init);
          if (init.type === 'ClassExpression') classes.push({ cls: init, exported });
        }
        if (d.init) collectRequire(d.init, d.id, shape);
      }
    }
  };

  for (const stmt of program.body) {
    switch (stmt.type) {
      case 'ImportDeclaration':
        shape.imports.add(stmt.source.value);
        for (const s of stmt.specifiers) {
          const imported = s.type === 'ImportSpecifier' ? (s.imported.type === 'Identifier' ? s.imported.name : s.imported.value) : 'default';
          shape.importedNames.set(s.local.name, { source: stmt.source.value, imported });
        }
        break;
      case 'ExportNamedDeclaration':
        if (stmt.declaration) {
          declare(stmt.declaration, true);
          const d = stmt.declaration;
          if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) shape.exports.set(d.id.name, d);
          if (d.type === 'VariableDeclaration') {
            for (const v of d.declarations) {
              if (v.id.type !== 'Identifier' || !v.init) continue;
              shape.exports.set(v.id.name, v.init);
              shape.exports.set(`${v.id.name}@key`, v.id);
            }
          }
        }
        for (const s of stmt.specifiers) {
          if (s.type !== 'ExportSpecifier') continue;
          const exported = s.exported.type === 'Identifier' ? s.exported.name : s.exported.value;
          shape.exports.set(exported, s.local);
        }
        break;
      case 'ExportDefaultDeclaration': {
        const d = stmt.declaration;
        if (d.type === 'ClassDeclaration') declare(d, true);
        else if (d.type === 'FunctionDeclaration') declare(d, true);
        else moduleExports = d;
        break;
      }
      case 'ExpressionStatement': {
        const e = unwrapTs(stmt.expression);
        if (e.type === 'AssignmentExpression' && e.operator === '=') {
          const target = exportTarget(e.left);
          if (target === '') moduleExports = e.right;
          else if (target) {
            shape.exports.set(target, e.right);
            shape.exports.set(`${target}@key`, e.left);
          }
        }
        collectRequire(stmt.expression, undefined, shape);
        break;
      }
      default:
        declare(stmt);
    }
  }

  if (moduleExports) {
    let m = unwrapTs(moduleExports);
    if (m.type === 'Identifier') m = shape.declarations.get(m.name) ? unwrapTs(shape.declarations.get(m.name)!) : m;
    // defineMigration({ up, down }) and the like.
    if ((m.type === 'CallExpression' || m.type === 'NewExpression') && m.arguments[0] && unwrapTs(m.arguments[0]).type === 'ObjectExpression') {
      m = unwrapTs(m.arguments[0]);
    }
    if (m.type === 'ObjectExpression') {
      for (const p of m.properties) {
        if (p.type === 'SpreadElement') continue;
        const key = keyName(p.key, p.computed);
        if (!key) continue;
        shape.exports.set(key, p.type === 'ObjectMethod' ? p : (p.value as t.Node));
        if (key === 'up' || key === 'down') shape.exports.set(`${key}@key`, p.key);
      }
    } else if (m.type === 'ClassExpression' || m.type === 'ClassDeclaration') {
      const known = classes.find((c) => c.cls === m);
      if (known) known.exported = true;
      else classes.unshift({ cls: m, exported: true });
    }
  }
  for (const [, value] of shape.exports) {
    const known = classes.find((c) => c.cls === unwrapTs(value) || (value.type === 'Identifier' && c.cls === shape.declarations.get(value.name)));
    if (known) known.exported = true;
  }

  // The migration class: TypeORM / MikroORM by their interface or base class, or an exported class with an up method.
  const hasUp = (c: t.ClassDeclaration | t.ClassExpression) => c.body.body.some((m) => memberName(m) === 'up');
  const cls =
    classes.find((c) => hasUp(c.cls) && (implementsName(c.cls, 'MigrationInterface') || superName(c.cls) === 'Migration'))?.cls ??
    classes.find((c) => c.exported && hasUp(c.cls))?.cls;
  if (cls && !shape.exports.has('up')) {
    shape.cls = cls;
    for (const m of cls.body.body) {
      const name = memberName(m);
      if (name !== 'up' && name !== 'down') continue;
      if (m.type === 'ClassMethod') shape[name] = resolvePart(m, m.key, shape);
      else if (m.type === 'ClassProperty' && m.value) shape[name] = resolvePart(m.value, m.key, shape);
    }
    return shape;
  }

  for (const name of ['up', 'down'] as const) {
    const value = shape.exports.get(name);
    if (!value) continue;
    shape[name] = resolvePart(value, shape.exports.get(`${name}@key`) ?? value, shape);
  }
  return shape;
}

function resolvePart(value: t.Node, at: t.Node, shape: MigrationShape, depth = 0): Part {
  const v = unwrapTs(value);
  if (isFunctionNode(v)) return { kind: 'fn', fn: v, at: v.type === 'FunctionDeclaration' && v.id ? v.id : at };
  if (v.type === 'BooleanLiteral' && !v.value) return { kind: 'false', at, text: 'false' };
  if (v.type === 'Identifier' && depth < 5) {
    const d = shape.declarations.get(v.name);
    if (d) return resolvePart(d, at, shape, depth + 1);
  }
  return { kind: 'other', at, node: v };
}

/** `exports.up` / `module.exports.up` → 'up'; `module.exports` → ''; otherwise undefined. */
function exportTarget(left: t.Node): string | undefined {
  const l = unwrapTs(left);
  if (l.type !== 'MemberExpression') return undefined;
  const name = propertyName(l);
  const obj = unwrapTs(l.object);
  if (obj.type === 'Identifier' && obj.name === 'module' && name === 'exports') return '';
  if (obj.type === 'Identifier' && obj.name === 'exports') return name;
  if (obj.type === 'MemberExpression' && propertyName(obj) === 'exports' && unwrapTs(obj.object).type === 'Identifier' && (unwrapTs(obj.object) as t.Identifier).name === 'module') {
    return name;
  }
  return undefined;
}

function collectRequire(node: t.Node, id: t.Node | undefined, shape: MigrationShape): void {
  let n = unwrapTs(node);
  while (n.type === 'MemberExpression') n = unwrapTs(n.object);
  if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'StringLiteral') {
    const source = n.arguments[0].value;
    shape.imports.add(source);
    if (id?.type === 'Identifier') shape.importedNames.set(id.name, { source, imported: 'default' });
    if (id?.type === 'ObjectPattern') {
      for (const p of id.properties) {
        if (p.type === 'ObjectProperty' && p.value.type === 'Identifier') shape.importedNames.set(p.value.name, { source, imported: keyName(p.key) ?? '' });
      }
    }
  }
}

function memberName(m: t.Node): string | undefined {
  if (m.type === 'ClassMethod' || m.type === 'ClassProperty') return keyName(m.key, m.computed);
  return undefined;
}

export function implementsName(c: t.ClassDeclaration | t.ClassExpression, name: string): boolean {
  return (c.implements ?? []).some((i) => {
    if (i.type === 'TSExpressionWithTypeArguments') {
      const e = i.expression;
      return (e.type === 'Identifier' && e.name === name) || (e.type === 'TSQualifiedName' && e.right.name === name);
    }
    return false;
  });
}

function superName(c: t.ClassDeclaration | t.ClassExpression): string | undefined {
  const s = c.superClass ? unwrapTs(c.superClass) : undefined;
  if (s?.type === 'Identifier') return s.name;
  if (s?.type === 'MemberExpression') return propertyName(s);
  return undefined;
}

/** The type annotation name of a parameter: `knex: Knex` → 'Knex', `db: Kysely<any>` → 'Kysely'. */
function paramType(p: t.Node | undefined): string | undefined {
  if (!p) return undefined;
  const ann = (p as { typeAnnotation?: t.Node | null }).typeAnnotation;
  if (!ann || ann.type !== 'TSTypeAnnotation') return undefined;
  const ty = ann.typeAnnotation;
  if (ty.type !== 'TSTypeReference') return undefined;
  const name = ty.typeName;
  return name.type === 'Identifier' ? name.name : name.type === 'TSQualifiedName' ? name.left.type === 'Identifier' ? name.left.name : undefined : undefined;
}

function paramName(p: t.Node | undefined): string | undefined {
  if (!p) return undefined;
  const q = p.type === 'AssignmentPattern' ? p.left : p;
  if (q.type === 'Identifier') return q.name;
  if (q.type === 'ObjectPattern' && q.properties.some((x) => x.type === 'ObjectProperty' && keyName(x.key) === 'context')) return 'context';
  return undefined;
}

const BY_TYPE: Record<string, MigrationFormat> = {
  Knex: 'knex',
  QueryRunner: 'typeorm',
  MigrationBuilder: 'node-pg-migrate',
  QueryInterface: 'sequelize',
  Kysely: 'kysely',
};

const BY_MODULE: [RegExp, MigrationFormat][] = [
  [/^typeorm$/, 'typeorm'],
  [/^@mikro-orm\//, 'mikro-orm'],
  [/^kysely$/, 'kysely'],
  [/^node-pg-migrate$/, 'node-pg-migrate'],
  [SEQUELIZE_MODULES, 'sequelize'],
  [/^db-migrate/, 'db-migrate'],
  [/^knex$/, 'knex'],
];

/**
 * Whether an up/down receives a migration-context object rather than a QueryRunner:
 * n8n's TypeORM migrations, `up({ queryRunner, runQuery, escape, schemaBuilder, tablePrefix })`
 * or `up(context: MigrationContext)`.
 */
export function usesMigrationContext(fn: FunctionNode | undefined): boolean {
  const p0 = fn?.params[0];
  if (!p0) return false;
  const q = p0.type === 'AssignmentPattern' ? p0.left : p0;
  const type = paramType(q);
  if (type === 'MigrationContext') return true;
  if (type) return false;
  if (q.type === 'ObjectPattern') return q.properties.some((x) => x.type === 'ObjectProperty' && CONTEXT_KEYS.has(keyName(x.key, x.computed) ?? ''));
  return q.type === 'Identifier' && (q.name === 'context' || q.name === 'ctx');
}

/** Which framework a migration file is written for. */
export function detectFormat(shape: MigrationShape, text: string): MigrationFormat {
  if (shape.cls) {
    if (implementsName(shape.cls, 'MigrationInterface')) return 'typeorm';
    // n8n's TypeORM migrations: `implements ReversibleMigration`, and a context object for parameter.
    if (implementsName(shape.cls, 'ReversibleMigration') || implementsName(shape.cls, 'IrreversibleMigration')) return 'typeorm';
    const classUp = shape.up?.kind === 'fn' ? shape.up.fn : shape.down?.kind === 'fn' ? shape.down.fn : undefined;
    if (usesMigrationContext(classUp)) return 'typeorm';
    if ([...shape.imports].some((m) => m.startsWith('@mikro-orm/'))) return 'mikro-orm';
    if (superName(shape.cls) === 'Migration' && /\bthis\.addSql\s*\(/.test(text)) return 'mikro-orm';
    if ([...shape.imports].includes('typeorm')) return 'typeorm';
  }
  const fn = shape.up?.kind === 'fn' ? shape.up.fn : shape.down?.kind === 'fn' ? shape.down.fn : undefined;
  const p0 = fn?.params[0];
  const byType = paramType(p0);
  if (byType && BY_TYPE[byType]) return BY_TYPE[byType];
  for (const [re, format] of BY_MODULE) if ([...shape.imports].some((m) => re.test(m))) return format;
  if (/import\(['"]sequelize-cli['"]\)/.test(text)) return 'sequelize';
  const name = paramName(p0);
  const p1 = paramName(fn?.params[1]);
  // A parameter typed with a project's own alias (`db: DbConnection`) or not typed: its calls tell knex from Kysely.
  const usedAs = connectionLibraryByUsage([shape.up, shape.down].flatMap((part) => (part?.kind === 'fn' ? [part.fn] : [])));
  switch (name) {
    case 'knex':
    case 'trx':
      return 'knex';
    case 'queryRunner':
      return 'typeorm';
    case 'pgm':
      return 'node-pg-migrate';
    case 'queryInterface':
    case 'qi':
    case 'context':
      return 'sequelize';
    case 'db':
      if ((p1 && /^(callback|cb|done|next)$/.test(p1)) || shape.exports.has('_meta') || shape.exports.has('setup') || /\bdb\.runSql\s*\(/.test(text)) return 'db-migrate';
      return usedAs ?? 'kysely';
  }
  if (usedAs) return usedAs;
  if (shape.cls) return 'typeorm';
  if (/\bpgm\.\w+\(/.test(text)) return 'node-pg-migrate';
  if (/\bqueryInterface\.\w+\(/.test(text)) return 'sequelize';
  if (/\bqueryRunner\.\w+\(/.test(text)) return 'typeorm';
  return 'knex';
}

/** A guess from the text alone, for files that do not parse. */
export function guessFormat(text: string): MigrationFormat {
  if (/\bqueryRunner\b|from ['"]typeorm['"]/.test(text)) return 'typeorm';
  if (/\baddSql\s*\(|@mikro-orm/.test(text)) return 'mikro-orm';
  if (/\bpgm\b|node-pg-migrate/.test(text)) return 'node-pg-migrate';
  if (/\bqueryInterface\b|sequelize/i.test(text)) return 'sequelize';
  if (/from ['"]kysely['"]|Kysely</.test(text)) return 'kysely';
  if (/\brunSql\s*\(|db-migrate/.test(text)) return 'db-migrate';
  return 'knex';
}

/** Whether a MikroORM class says `isTransactional() { return false; }`. */
export function classReturnsFalse(cls: t.ClassDeclaration | t.ClassExpression, method: string): boolean {
  for (const m of cls.body.body) {
    if (m.type !== 'ClassMethod' || memberName(m) !== method) continue;
    const ret = m.body.body.find((s): s is t.ReturnStatement => s.type === 'ReturnStatement');
    const arg = ret?.argument ? unwrapTs(ret.argument) : undefined;
    return arg?.type === 'BooleanLiteral' && !arg.value;
  }
  return false;
}

/** A class property's literal value: TypeORM `transaction = false`. */
export function classProperty(cls: t.ClassDeclaration | t.ClassExpression, name: string): t.Node | undefined {
  for (const m of cls.body.body) {
    if (m.type === 'ClassProperty' && memberName(m) === name && m.value) return unwrapTs(m.value);
    // constructor() { this.transaction = false }
    if (m.type === 'ClassMethod' && m.kind === 'constructor') {
      for (const s of m.body.body) {
        if (s.type !== 'ExpressionStatement' || s.expression.type !== 'AssignmentExpression') continue;
        const l = s.expression.left;
        if (l.type === 'MemberExpression' && l.object.type === 'ThisExpression' && propertyName(l) === name) return unwrapTs(s.expression.right);
      }
    }
  }
  return undefined;
}

/** Class methods other than up/down, for inlining `this.helper(...)`. */
export function classMethods(cls: t.ClassDeclaration | t.ClassExpression): Map<string, FunctionNode> {
  const out = new Map<string, FunctionNode>();
  for (const m of cls.body.body) {
    const name = memberName(m);
    if (!name || name === 'up' || name === 'down') continue;
    if (m.type === 'ClassMethod' && m.kind === 'method') out.set(name, m);
    else if (m.type === 'ClassProperty' && m.value && isFunctionNode(unwrapTs(m.value))) out.set(name, unwrapTs(m.value) as FunctionNode);
  }
  return out;
}
