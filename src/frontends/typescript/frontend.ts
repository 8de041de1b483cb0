/**
 * The TypeScript/JavaScript frontend: migrations written as code (knex, TypeORM,
 * Sequelize, node-pg-migrate, Kysely, MikroORM, db-migrate), read statically with
 * @babel/parser and lowered to the same IR as SQL files.
 */
import type * as t from '@babel/types';
import type { Frontend, ReadFile } from '../registry.js';
import type { MigrationUnit } from '../../ir/unit.js';
import type { Comment, Migration, MigrationFormat, Range, Section } from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';
import { loadSqlParser } from '../../pg/parse.js';
import { FORMATS } from '../../formats/index.js';
import { importedConstant } from './project-constants.js';
import { Env, isFunctionNode, unwrapTs, type ClassInfo, type FunctionNode, type Role } from './scope.js';
import { Walker } from './walker.js';
import { newSectionOut, type FileContext, type Frame, type SectionOut } from './walk-state.js';
import { classMethods, classProperty, classReturnsFalse, detectFormat, findShape, guessFormat, implementsName, usesMigrationContext, type MigrationShape, type Part } from './shape.js';
import { PGM_REVERSIBLE } from './frameworks/pgm.js';
import { otherDatabaseByPath, wholeFileNotRead } from '../dialect-path.js';

type BabelParse = typeof import('@babel/parser').parse;
type ParserPlugins = NonNullable<Parameters<BabelParse>[1]>['plugins'];

let babelParse: BabelParse | undefined;

/** Modules whose `sql` export is a tagged-template SQL builder. */
const SQL_TAG_MODULES = /^(kysely|drizzle-orm|drizzle-orm\/.*|slonik|postgres|@databases\/pg|sql-template-tag|@vercel\/postgres|@neondatabase\/serverless)$/;

const typescriptFrontend: Frontend = {
  async load() {
    const [babel] = await Promise.all([import('@babel/parser'), loadSqlParser()]);
    babelParse = babel.parse;
  },
  read: readCodeMigration,
};

export default typescriptFrontend;

/**
 * TypeScript syntax is accepted everywhere (a .js file rarely differs); JSX only as a
 * fallback for .js files. A folder of migrations holds other code too (a React client
 * beside a knex server, test files of an ORM): syntax Babel can read behind a plugin
 * (`accessor` fields, the `::this.x` bind operator of older React code) is read, so such a
 * file is recognised as no migration instead of reported as one that does not parse.
 */
function parseCode(text: string, file: string): t.File {
  const options = {
    sourceType: 'unambiguous' as const,
    errorRecovery: false,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowUndeclaredExports: true,
    attachComment: false,
  };
  try {
    return babelParse!(text, { ...options, plugins: ['typescript', 'decorators', 'decoratorAutoAccessors'] }) as unknown as t.File;
  } catch (e) {
    // NestJS-style parameter decorators (`constructor(@Inject() x)`) are TypeScript's legacy decorators.
    const fallbacks: ParserPlugins[] = [['typescript', 'decorators-legacy']];
    if (/\.[cm]?js$/i.test(file)) fallbacks.push(['jsx', 'decorators', 'functionBind']);
    for (const plugins of fallbacks) {
      try {
        return babelParse!(text, { ...options, plugins }) as unknown as t.File;
      } catch {
        // the first error is the one reported
      }
    }
    throw e;
  }
}

export function readCodeMigration(unit: MigrationUnit, readFile: ReadFile): Migration | undefined {
  if (!babelParse) throw new Error('internal: the typescript frontend must be loaded before reading');
  const file = unit.path;
  // Declaration files hold types only: never a migration.
  if (/\.d\.[cm]?ts$/i.test(file)) return undefined;
  const base: Migration = {
    path: file,
    files: [file],
    format: 'knex',
    version: unit.version,
    name: unit.name,
    up: { state: 'missing', statements: [] },
    down: { state: 'missing', statements: [] },
    expectsDown: true,
    comments: [],
    problems: [],
    sources: new Map(),
  };
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    base.problems.push({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return base;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  base.sources.set(file, text);
  const lines = new LineIndex(text);

  let program: t.File;
  try {
    program = parseCode(text, file);
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const start = err.loc ? { line: err.loc.line, column: err.loc.column + 1 } : { line: 1, column: 1 };
    const message = err.message.replace(/\s*\(\d+:\d+\)\s*$/, '');
    base.format = guessFormat(text);
    base.problems.push({ file, message: `cannot parse this file as JavaScript/TypeScript: ${message}`, range: { start, end: { line: start.line, column: start.column + 1 } } });
    return base;
  }

  const shape = findShape(program.program);
  if (!shape.up && !shape.down) return undefined;

  const format = detectFormat(shape, text);

  // Projects that keep one folder of migrations per database (n8n: `postgresdb/`, `sqlite/`, `mysqldb/`).
  const otherDatabase = otherDatabaseByPath(file);
  if (otherDatabase) {
    const whole = { start: { line: 1, column: 1 }, end: lines.position(text.length) };
    return {
      ...base,
      format,
      up: { state: 'present', statements: [], file, range: whole },
      down: { state: 'present', statements: [], file, range: whole },
      expectsDown: false,
      coverage: wholeFileNotRead(file, whole, otherDatabase),
    };
  }

  const sqlTags = new Set<string>();
  for (const [local, { source, imported }] of shape.importedNames) {
    if (SQL_TAG_MODULES.test(source) && imported === 'sql') sqlTags.add(local);
  }
  const ctx: FileContext = { file, text, lines, format, sqlTags };
  const migration: Migration = { ...base, format };

  // Ignore directives in JS comments.
  for (const c of program.comments ?? []) {
    const body = text.slice(c.start!, c.end!);
    if (!body.includes('migratelint-')) continue;
    migration.comments.push(comment(file, lines, body, c.start!, c.end!));
  }

  const topEnv = new Env();
  for (const [name, node] of shape.declarations) {
    const n = unwrapTs(node);
    if (isFunctionNode(n)) topEnv.set(name, { kind: 'fn', node: n, env: topEnv });
    else topEnv.set(name, { kind: 'expr', node, env: topEnv });
  }
  // Constants of the project's own modules are known (project-constants.ts); other imports are not.
  const read: string[] = [];
  for (const [name, imp] of shape.importedNames) {
    const constant = importedConstant(imp.source, imp.imported, file, readFile, parseCode);
    if (constant) read.push(constant.file);
    topEnv.set(name, constant ? { kind: 'expr', node: constant.node, env: new Env() } : { kind: 'import', source: imp.source, imported: imp.imported });
  }
  // A cached result holds while the modules it read constants from are unchanged.
  if (read.length) migration.inputs = [...new Set(read)].sort();
  for (const name of sqlTags) topEnv.set(name, { kind: 'role', role: { kind: 'sqlTag' } });

  if (format === 'node-pg-migrate') {
    const sh = shape.exports.get('shorthands');
    if (sh && unwrapTs(sh).type === 'ObjectExpression') {
      const obj = new Walker(ctx, newSectionOut()).ev.val(sh, topEnv);
      if (obj.t === 'obj') ctx.pgmShorthands = obj.props;
    }
  }

  const classInfo: ClassInfo | undefined = shape.cls
    ? { methods: classMethods(shape.cls), thisRole: format === 'mikro-orm' ? { kind: 'mikro' } : undefined }
    : undefined;
  const env = new Env(topEnv, classInfo);

  const upOut = newSectionOut();
  const downOut = newSectionOut();
  migration.up = readSection(ctx, shape, shape.up, upOut, env, 'up');
  migration.down = readSection(ctx, shape, shape.down, downOut, env, 'down');

  // node-pg-migrate infers the down of reversible operations when none is exported.
  if (format === 'node-pg-migrate' && !shape.down && shape.up) {
    const irreversible = upOut.pgmOps.find((op) => !PGM_REVERSIBLE.has(op.name));
    const opaque = upOut.unanalysed[0];
    if (irreversible) {
      const line = lines.position(irreversible.node.start!).line;
      migration.down = missing(`node-pg-migrate cannot infer it: pgm.${irreversible.name}() on line ${line} is not reversible`);
    } else if (opaque) {
      migration.down = missing(`node-pg-migrate cannot be shown to infer it: the up holds code migratelint cannot read (line ${opaque.range.start.line})`);
    } else {
      migration.down = { state: 'present', statements: [], file, reason: 'inferred by node-pg-migrate from the reversible operations of up', transaction: true };
    }
  }

  setTransactions(migration, shape, upOut, downOut);
  migration.comments.push(...upOut.comments, ...downOut.comments);
  migration.coverage = {
    analysed: upOut.analysed + downOut.analysed,
    unanalysed: [...upOut.unanalysed, ...downOut.unanalysed],
  };
  return migration;
}

function comment(file: string, lines: LineIndex, text: string, start: number, end: number): Comment {
  return { file, text, range: { start: lines.position(start), end: lines.position(end) }, endOffset: end };
}

const missing = (reason: string): Section => ({ state: 'missing', statements: [], reason });

/** Roles of the up/down parameters, by framework. A parameter named `sql` is a postgres.js connection (ley and the like). */
function paramRoles(format: MigrationFormat, fn: FunctionNode): (Role | undefined)[] {
  const p0 = fn.params[0];
  if (p0?.type === 'Identifier' && p0.name === 'sql') return [{ kind: 'sqlTag' }];
  switch (format) {
    case 'knex':
      return [{ kind: 'knex' }];
    case 'typeorm':
      return [usesMigrationContext(fn) ? { kind: 'migrationContext' } : { kind: 'queryRunner' }];
    case 'sequelize':
      return [{ kind: 'queryInterface' }];
    case 'node-pg-migrate':
      return [{ kind: 'pgm' }];
    case 'kysely':
      return [{ kind: 'kysely' }];
    case 'db-migrate':
      return [{ kind: 'dbMigrate' }];
    default:
      return [];
  }
}

function readSection(ctx: FileContext, shape: MigrationShape, part: Part | undefined, out: SectionOut, env: Env, name: 'up' | 'down'): Section {
  const { file, lines, format } = ctx;
  if (!part) {
    if (name === 'up') return { state: 'missing', statements: [], file };
    if (shape.cls) {
      if (implementsName(shape.cls, 'IrreversibleMigration')) {
        return { state: 'irreversible', statements: [], file, reason: 'the class implements IrreversibleMigration and has no down() method' };
      }
      return missing(format === 'mikro-orm' ? "no down() method: MikroORM's default down() throws" : 'the migration class has no down() method');
    }
    return missing(`no ${name} is exported`);
  }
  const range: Range = { start: lines.position(part.at.start!), end: lines.position(part.at.end!) };
  if (part.kind === 'false') {
    const target = ctx.text.slice(part.at.start!, part.at.end!);
    return { state: 'irreversible', statements: [], file, range, reason: `${target} = false marks it irreversible` };
  }
  if (part.kind === 'other') {
    out.unanalysed.push({ file, range, reason: `${name} is defined elsewhere (${ctx.text.slice(part.node.start!, part.node.end!).slice(0, 40)})` });
    return { state: 'present', statements: [], file, range };
  }
  const walker = new Walker(ctx, out);
  const frame: Frame = { env, active: new Set([part.fn]), depth: 0 };
  try {
    walker.walkFunction(part.fn, frame, paramRoles(format, part.fn));
  } catch (e) {
    // Code shaped in a way the walker does not expect must not stop the run: count it.
    out.unanalysed.push({ file, range, reason: `migratelint could not analyse ${name}: ${(e as Error).message}` });
  }
  const section: Section = { state: 'present', statements: out.statements, file, range };
  if (out.statements.length || out.unanalysed.length) return section;
  const body = bodyKind(part.fn);
  if (body === 'empty') return { ...section, state: 'empty', reason: `${name} does nothing` };
  if (body === 'throws') return { ...section, state: 'irreversible', reason: `${name}() only throws an error` };
  return section;
}

/** What a function body amounts to when it ran no SQL: nothing, only a throw, or other code. */
function bodyKind(fn: FunctionNode): 'empty' | 'throws' | 'code' {
  if (fn.body.type !== 'BlockStatement') return isTrivialExpr(fn.body) ? 'empty' : 'code';
  let throws = false;
  const visit = (stmts: t.Statement[]): boolean => {
    for (const s of stmts) {
      switch (s.type) {
        case 'EmptyStatement':
          continue;
        case 'ThrowStatement':
          throws = true;
          continue;
        case 'BlockStatement':
          if (!visit(s.body)) return false;
          continue;
        case 'ReturnStatement':
          if (!s.argument || isTrivialExpr(s.argument)) continue;
          return false;
        case 'ExpressionStatement':
          if (isTrivialExpr(s.expression)) continue;
          return false;
        default:
          return false;
      }
    }
    return true;
  };
  if (!visit(fn.body.body)) return 'code';
  return throws ? 'throws' : 'empty';
}

/** `Promise.resolve()`, `callback()`, `console.log(...)`, literals: code that runs no migration step. */
function isTrivialExpr(node: t.Node): boolean {
  const n = unwrapTs(node);
  switch (n.type) {
    case 'NullLiteral':
    case 'BooleanLiteral':
    case 'NumericLiteral':
    case 'StringLiteral':
    case 'Identifier':
      return true;
    case 'AwaitExpression':
      return isTrivialExpr(n.argument);
    case 'UnaryExpression':
      return n.operator === 'void';
    case 'CallExpression': {
      const callee = unwrapTs(n.callee);
      if (callee.type === 'Identifier') return /^(callback|cb|done|next|resolve)$/.test(callee.name);
      if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier') {
        const obj = callee.object.name;
        return obj === 'console' || (obj === 'Promise' && callee.property.type === 'Identifier' && callee.property.name === 'resolve');
      }
      return false;
    }
    default:
      return false;
  }
}

function setTransactions(migration: Migration, shape: MigrationShape, up: SectionOut, down: SectionOut): void {
  const format = migration.format;
  // The framework's own default (FORMATS); only its own opt-outs, read below, override it.
  const byDefault = FORMATS[format].frontend === 'typescript' ? FORMATS[format].transaction : undefined;
  for (const [section, out] of [
    [migration.up, up],
    [migration.down, down],
  ] as const) {
    if (section.state === 'missing') continue;
    let tx = byDefault;
    switch (format) {
      case 'knex': {
        // exports.config = { transaction: false }
        const config = shape.exports.get('config');
        const c = config ? unwrapTs(config) : undefined;
        if (c?.type === 'ObjectExpression') {
          for (const p of c.properties) {
            if (p.type === 'ObjectProperty' && p.key.type === 'Identifier' && p.key.name === 'transaction' && unwrapTs(p.value).type === 'BooleanLiteral') {
              tx = (unwrapTs(p.value) as t.BooleanLiteral).value;
            }
          }
        }
        break;
      }
      case 'typeorm': {
        const v = shape.cls ? classProperty(shape.cls, 'transaction') : undefined;
        if (v?.type === 'BooleanLiteral') tx = v.value;
        if (out.commitsTransaction) tx = false;
        break;
      }
      case 'node-pg-migrate':
        if (out.noTransaction) tx = false;
        break;
      case 'mikro-orm':
        if (shape.cls && classReturnsFalse(shape.cls, 'isTransactional')) tx = false;
        break;
      case 'sequelize':
        tx = out.inExplicitTx.length > 0 && out.inExplicitTx.every(Boolean);
        break;
      default:
        break;
    }
    section.transaction = tx;
  }
}
