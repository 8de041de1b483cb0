/**
 * Static evaluation of the expressions migrations pass to SQL sinks and builders:
 * string literals, templates, concatenation, constants held in variables, object
 * and array literals, and the framework helpers that stand for raw SQL
 * (`knex.raw`, `knex.fn.now()`, `Sequelize.fn`, `Sequelize.literal`, `pgm.func`, `sql\`\``).
 * Nothing is executed; what cannot be known becomes a hole or an `unknown` value.
 */
import type * as t from '@babel/types';
import { Env, unwrapTs, propertyName, keyName, isFunctionNode, type Role, type FunctionNode } from './scope.js';
import { dialectTest } from './dialect.js';
import { decodeJsString, fixedPiece, placeholder, plainText, textPiece, type Piece, type StaticString, type HolePiece, sqlStateAt } from './text.js';

export type Val =
  | { t: 'str'; s: StaticString; value: string; node: t.Node }
  | { t: 'num'; value: number; raw: string }
  | { t: 'bool'; value: boolean }
  | { t: 'null' }
  | { t: 'undef' }
  | { t: 'arr'; items: Val[]; node: t.Node }
  | { t: 'obj'; props: Map<string, PropRef>; partial: boolean; node: t.Node }
  /** A SQL expression written verbatim (`knex.raw('now()')`, `Sequelize.literal(...)`, `pgm.func(...)`). */
  | { t: 'raw'; sql: string }
  /** A member chain from a global or import: `Sequelize.STRING`, `DataTypes.UUIDV4`. */
  | { t: 'path'; parts: string[]; node: t.Node }
  /** A call of such a path: `Sequelize.STRING(100)`, `DataTypes.ENUM('a', 'b')`. */
  | { t: 'call'; parts: string[]; args: Val[]; node: t.Node }
  | { t: 'new'; cls: string; args: Val[]; node: t.Node }
  | { t: 'fn'; node: FunctionNode; env: Env }
  | { t: 'role'; role: Role }
  | { t: 'unknown'; src: string; node: t.Node };

/** An object literal's property: its value node (and key node, for positions). */
export interface PropRef {
  node: t.Node;
  env: Env;
  key?: t.Node;
}

export interface SourceFile {
  readonly file: string;
  readonly text: string;
  /** Names the `sql` tag is known under (imports from kysely, drizzle-orm, slonik, postgres). */
  readonly sqlTags: Set<string>;
}

const MAX_DEPTH = 30;

/** Node type of a string already evaluated by the walker (`sql += '...'`). */
export const SYNTHETIC_STRING = 'MigratelintPieces';

export class Evaluator {
  private depth = 0;

  constructor(
    readonly source: SourceFile,
    /** Resolves the framework role of an expression (knex, queryRunner, ...). */
    private readonly roleOf: (node: t.Node, env: Env) => Role | undefined,
  ) {}

  src(node: t.Node): string {
    return this.source.text.slice(node.start!, node.end!);
  }

  hole(node: t.Node, param = false, start = node.start!, end = node.end!): HolePiece {
    return { kind: 'hole', src: this.src(node), start, end, param };
  }

  /** The string value of a literal-ish node: for names, keys and options. */
  str(node: t.Node | undefined, env: Env): string | undefined {
    if (!node) return undefined;
    const v = this.val(node, env);
    if (v.t === 'str') return v.value;
    if (v.t === 'num') return v.raw;
    return undefined;
  }

  /**
   * A string expression as pieces. Parts that are not known statically become holes;
   * returns undefined when the expression as a whole is not a string known here.
   */
  string(node: t.Node, env: Env): StaticString | undefined {
    if (this.depth > MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return this.stringInner(unwrapTs(node), env);
    } finally {
      this.depth--;
    }
  }

  private stringInner(node: t.Node, env: Env): StaticString | undefined {
    const text = this.source.text;
    if ((node.type as string) === SYNTHETIC_STRING) return { pieces: (node as unknown as { pieces: Piece[] }).pieces };
    switch (node.type) {
      case 'StringLiteral': {
        const piece = decodeJsString(text, node.start! + 1, node.end! - 1, false);
        return piece ? { pieces: [piece] } : { pieces: [fixedPiece(node.value, node.start! + 1, node.end! - 1)] };
      }
      case 'NumericLiteral':
        return { pieces: [textPiece(this.src(node), (i) => node.start! + i)] };
      case 'TemplateLiteral':
        return this.template(node, env, false);
      case 'TaggedTemplateExpression': {
        const tag = unwrapTs(node.tag);
        // String.raw`...` and indentation helpers keep the text as written.
        if (tag.type === 'MemberExpression' && this.src(tag) === 'String.raw') {
          return { pieces: this.templateRaw(node.quasi, env) };
        }
        if (tag.type === 'Identifier' && /^(dedent|outdent|stripIndent|stripIndents|oneLine|oneLineTrim|sqlString|SQL|sql)$/.test(tag.name) && !this.isSqlTag(tag, env)) {
          return this.template(node.quasi, env, false);
        }
        return undefined;
      }
      case 'BinaryExpression': {
        if (node.operator !== '+') return undefined;
        const left = this.string(node.left, env);
        const right = this.string(node.right, env);
        if (!left && !right) return undefined;
        return {
          pieces: [...(left?.pieces ?? [this.hole(node.left)]), ...(right?.pieces ?? [this.hole(node.right)])],
        };
      }
      case 'Identifier': {
        const b = env.lookup(node.name);
        if (b?.kind === 'expr') return this.string(b.node, b.env);
        return undefined;
      }
      case 'ConditionalExpression': {
        // isMysql ? '...' : '...': the value PostgreSQL gets.
        const d = dialectTest(node.test, env);
        return d ? this.string(d.onPostgres ? node.consequent : node.alternate, env) : undefined;
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const target = this.member(node, env);
        return target ? this.string(target.node, target.env) : undefined;
      }
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const callee = unwrapTs(node.callee);
        if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
        const method = propertyName(callee);
        const objRole = this.roleOf(callee.object, env);
        if (objRole?.kind === 'migrationContext' && objRole.member === 'escape' && method && node.arguments[0]) {
          const name = escapedName(method, this.str(node.arguments[0], env));
          return name === undefined ? undefined : { pieces: [fixedPiece(name, node.start!, node.end!)] };
        }
        if (method === 'join') {
          const arr = this.val(callee.object, env);
          if (arr.t !== 'arr') return undefined;
          const sep = node.arguments.length ? this.string(node.arguments[0], env) : { pieces: [fixedPiece(',', node.start!)] };
          if (!sep) return undefined;
          const pieces: Piece[] = [];
          arr.items.forEach((item, i) => {
            if (i > 0) pieces.push(...sep.pieces);
            if (item.t === 'str') pieces.push(...item.s.pieces);
            else if (item.t === 'num') pieces.push(fixedPiece(item.raw, node.start!));
            else pieces.push(this.hole(item.t === 'unknown' ? item.node : node));
          });
          return { pieces };
        }
        if (method === 'trim' || method === 'trimStart' || method === 'trimEnd' || method === 'toString') {
          return this.string(callee.object, env);
        }
        if (method === 'concat') {
          const base = this.string(callee.object, env);
          if (!base) return undefined;
          const pieces = [...base.pieces];
          for (const a of node.arguments) pieces.push(...(this.string(a, env)?.pieces ?? [this.hole(a)]));
          return { pieces };
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** An untagged template: quasis are text, expressions are inlined when known, else holes. */
  template(node: t.TemplateLiteral, env: Env, tagged: boolean): StaticString {
    const text = this.source.text;
    const pieces: Piece[] = [];
    node.quasis.forEach((q, i) => {
      const piece = decodeJsString(text, q.start!, q.end!, true);
      pieces.push(piece ?? fixedPiece(q.value.cooked ?? q.value.raw, q.start!, q.end!));
      if (i < node.expressions.length) {
        const e = node.expressions[i];
        const holeStart = q.end!;
        const holeEnd = node.quasis[i + 1].start!;
        if (tagged) {
          pieces.push(...this.taggedValue(e, env, holeStart, holeEnd));
        } else {
          const known = this.string(e, env);
          if (known && !known.pieces.every((p) => p.kind === 'hole')) pieces.push(...known.pieces);
          else pieces.push(this.hole(e, false, holeStart, holeEnd));
        }
      }
    });
    return { pieces };
  }

  private templateRaw(node: t.TemplateLiteral, env: Env): Piece[] {
    const pieces: Piece[] = [];
    node.quasis.forEach((q, i) => {
      const start = q.start!;
      const raw = this.source.text.slice(q.start!, q.end!);
      pieces.push(textPiece(raw, (k) => start + k));
      if (i < node.expressions.length) {
        const e = node.expressions[i];
        pieces.push(...(this.string(e, env)?.pieces ?? [this.hole(e, false, q.end!, node.quasis[i + 1].start!)]));
      }
    });
    return pieces;
  }

  /** Whether a node is a `sql` tag (Kysely, Drizzle, Slonik, postgres.js) or one of its tag forms. */
  isSqlTag(tag: t.Node, env: Env): boolean {
    const n = unwrapTs(tag);
    if (n.type === 'Identifier') return this.isSqlTagName(n.name, env);
    if (n.type === 'MemberExpression') {
      // sql.unsafe`...`, sql.typeAlias('x')`...` is a call below.
      const name = propertyName(n);
      return !!name && /^(unsafe|type)$/.test(name) && this.isSqlTag(n.object, env);
    }
    if (n.type === 'CallExpression') {
      const callee = unwrapTs(n.callee);
      if (callee.type === 'MemberExpression') {
        const name = propertyName(callee);
        return !!name && /^(type|typeAlias)$/.test(name) && this.isSqlTag(callee.object, env);
      }
    }
    return false;
  }

  isSqlTagName(name: string, env: Env): boolean {
    const b = env.lookup(name);
    if (b?.kind === 'role') return b.role.kind === 'sqlTag';
    if (b?.kind === 'import') return this.source.sqlTags.has(name);
    return name === 'sql' || this.source.sqlTags.has(name);
  }

  /** The SQL of a tagged template: values become bind parameters, sql helpers are inlined. */
  tagged(node: t.TaggedTemplateExpression, env: Env): StaticString {
    return this.template(node.quasi, env, true);
  }

  private taggedValue(e: t.Node, env: Env, start: number, end: number): Piece[] {
    const n = unwrapTs(e);
    // A nested fragment: sql`...` inside sql`...`.
    if (n.type === 'TaggedTemplateExpression' && this.isSqlTag(n.tag, env)) return this.tagged(n, env).pieces;
    if (n.type === 'Identifier') {
      const b = env.lookup(n.name);
      if (b?.kind === 'expr') {
        const target = unwrapTs(b.node);
        if (target.type === 'TaggedTemplateExpression' && this.isSqlTag(target.tag, b.env)) return this.tagged(target, b.env).pieces;
        if (target.type === 'CallExpression') return this.taggedValue(target, b.env, start, end);
      }
    }
    if (n.type === 'CallExpression') {
      const callee = unwrapTs(n.callee);
      // postgres.js: ${sql(name)} is an identifier.
      if (callee.type === 'Identifier' && this.isSqlTagName(callee.name, env)) return [this.identPiece(n.arguments, env, start, end)];
      if (callee.type === 'MemberExpression' && this.isSqlTag(callee.object, env)) {
        const helper = propertyName(callee);
        switch (helper) {
          case 'raw': {
            // Kysely sql.raw, Drizzle sql.raw: text inlined as is.
            const s = n.arguments[0] ? this.string(n.arguments[0], env) : undefined;
            if (s) return s.pieces;
            break;
          }
          case 'ref':
          case 'table':
          case 'id':
          case 'identifier':
            return [this.identPiece(n.arguments, env, start, end)];
          case 'lit':
          case 'literal': {
            const v = n.arguments[0] ? this.val(n.arguments[0], env) : undefined;
            if (v) {
              const lit = sqlLiteral(v);
              if (lit !== undefined) return [fixedPiece(lit, start, end)];
            }
            break;
          }
        }
      }
    }
    return [this.hole(e, true, start, end)];
  }

  /** `sql.ref('a.b')`, `sql.id('a', 'b')`, `sql.identifier(['a', 'b'])`: a quoted, dotted name. */
  private identPiece(args: t.Node[], env: Env, start: number, end: number): Piece {
    const parts: string[] = [];
    for (const a of args) {
      const v = this.val(a, env);
      if (v.t === 'str') parts.push(...v.value.split('.'));
      else if (v.t === 'arr' && v.items.every((i) => i.t === 'str')) parts.push(...v.items.map((i) => (i as { value: string }).value));
      else return { kind: 'hole', src: this.src(a), start, end, param: false };
    }
    return fixedPiece(parts.map(quoteIdent).join('.'), start, end);
  }

  /** Resolves `obj.prop` / `arr[0]` to the node holding the value, when obj is a literal known here. */
  member(node: t.MemberExpression | t.OptionalMemberExpression, env: Env): { node: t.Node; env: Env } | undefined {
    const obj = this.val(node.object, env);
    if (obj.t === 'obj') {
      const key = node.computed ? this.str(node.property, env) : propertyName(node);
      return key === undefined ? undefined : obj.props.get(key);
    }
    if (obj.t === 'arr' && node.computed) {
      const index = unwrapTs(node.property);
      if (index.type === 'NumericLiteral') {
        const item = obj.items[index.value];
        if (item && 'node' in item) return { node: item.node, env };
      }
    }
    return undefined;
  }

  /** A value as far as it is known statically. */
  val(node: t.Node, env: Env): Val {
    if (this.depth > MAX_DEPTH) return { t: 'unknown', src: this.src(node), node };
    this.depth++;
    try {
      return this.valInner(unwrapTs(node), env);
    } finally {
      this.depth--;
    }
  }

  private valInner(node: t.Node, env: Env): Val {
    const unknown = (): Val => ({ t: 'unknown', src: this.src(node), node });
    if ((node.type as string) === SYNTHETIC_STRING) {
      const s = this.string(node, env)!;
      return { t: 'str', s, value: plainText(s), node };
    }
    switch (node.type) {
      case 'StringLiteral':
      case 'TemplateLiteral': {
        const s = this.string(node, env)!;
        return { t: 'str', s, value: plainText(s), node };
      }
      case 'NumericLiteral':
        return { t: 'num', value: node.value, raw: String(node.value) };
      case 'UnaryExpression': {
        if (node.operator === '-' && unwrapTs(node.argument).type === 'NumericLiteral') {
          const v = (unwrapTs(node.argument) as t.NumericLiteral).value;
          return { t: 'num', value: -v, raw: String(-v) };
        }
        if (node.operator === '!' && unwrapTs(node.argument).type === 'NumericLiteral') {
          return { t: 'bool', value: !(unwrapTs(node.argument) as t.NumericLiteral).value };
        }
        if (node.operator === 'void') return { t: 'undef' };
        return unknown();
      }
      case 'BooleanLiteral':
        return { t: 'bool', value: node.value };
      case 'NullLiteral':
        return { t: 'null' };
      case 'BinaryExpression': {
        const s = this.string(node, env);
        if (s && node.operator === '+') return { t: 'str', s, value: plainText(s), node };
        return unknown();
      }
      case 'Identifier': {
        if (node.name === 'undefined') return { t: 'undef' };
        const b = env.lookup(node.name);
        if (!b) {
          const role = this.roleOf(node, env);
          if (role) return { t: 'role', role };
          return { t: 'path', parts: [node.name], node };
        }
        switch (b.kind) {
          case 'expr':
            return this.val(b.node, b.env);
          case 'role':
            return { t: 'role', role: b.role };
          case 'fn':
            return { t: 'fn', node: b.node, env: b.env };
          case 'import':
          case 'unknown':
            // A parameter or import used as a namespace: Sequelize.STRING, DataTypes.UUIDV4.
            return { t: 'path', parts: [node.name], node };
          default:
            return unknown();
        }
      }
      case 'ArrayExpression':
        return {
          t: 'arr',
          node,
          items: node.elements.flatMap((el): Val[] => {
            if (!el) return [{ t: 'undef' }];
            if (el.type === 'SpreadElement') {
              const inner = this.val(el.argument, env);
              return inner.t === 'arr' ? inner.items : [{ t: 'unknown', src: this.src(el), node: el }];
            }
            return [this.val(el, env)];
          }),
        };
      case 'ObjectExpression': {
        const props = new Map<string, PropRef>();
        let partial = false;
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') {
            const inner = this.val(p.argument, env);
            if (inner.t === 'obj') {
              for (const [k, v] of inner.props) props.set(k, v);
              partial ||= inner.partial;
            } else partial = true;
            continue;
          }
          const key = p.computed ? this.str(p.key, env) : keyName(p.key);
          if (key === undefined) {
            partial = true;
            continue;
          }
          props.set(key, { node: p.type === 'ObjectMethod' ? p : (p.value as t.Node), env, key: p.key });
        }
        return { t: 'obj', props, partial, node };
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const target = this.member(node, env);
        if (target) return this.val(target.node, target.env);
        const role = this.roleOf(node, env);
        if (role) return { t: 'role', role };
        const base = this.val(node.object, env);
        const name = propertyName(node);
        if (base.t === 'path' && name) return { t: 'path', parts: [...base.parts, name], node };
        // knex.fn.now()
        return unknown();
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
        return this.callVal(node, env) ?? unknown();
      case 'NewExpression': {
        const callee = unwrapTs(node.callee);
        const cls = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) ?? '' : '';
        // node-pg-migrate's new PgLiteral('now()'): SQL written as is.
        if (cls === 'PgLiteral' && node.arguments[0]) {
          const s = this.string(node.arguments[0], env);
          if (s) return { t: 'raw', sql: renderText(s) };
        }
        return { t: 'new', cls, args: node.arguments.map((a) => this.val(a, env)), node };
      }
      case 'TaggedTemplateExpression':
        if (this.isSqlTag(node.tag, env)) return { t: 'raw', sql: renderText(this.tagged(node, env)) };
        {
          const s = this.string(node, env);
          return s ? { t: 'str', s, value: plainText(s), node } : unknown();
        }
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ObjectMethod':
        return { t: 'fn', node, env };
      case 'AwaitExpression':
        return this.val(node.argument, env);
      case 'ConditionalExpression': {
        const d = dialectTest(node.test, env);
        return d ? this.val(d.onPostgres ? node.consequent : node.alternate, env) : unknown();
      }
      default:
        if (isFunctionNode(node)) return { t: 'fn', node, env };
        return unknown();
    }
  }

  private callVal(node: t.CallExpression | t.OptionalCallExpression, env: Env): Val | undefined {
    const callee = unwrapTs(node.callee);
    const args = node.arguments;
    const argStr = (i: number) => (args[i] ? this.string(args[i], env) : undefined);
    if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
      const method = propertyName(callee);
      const objRole = this.roleOf(callee.object, env);
      // knex.raw('now()'), knex.fn.now(), pgm.func('current_timestamp'), sql.raw('x')
      if (method === 'raw' && (objRole?.kind === 'knex' || objRole?.kind === 'knexSchema' || objRole?.kind === 'sqlTag')) {
        let s = argStr(0);
        // knex.raw('REPLACE(??, ?, ?)', ['col', 'a', 'b']) as a fragment: its bindings are filled in as knex does.
        const rewrite = objRole.kind === 'sqlTag' ? undefined : knexBindingRewrite(this, args[1], env);
        if (s && rewrite) s = rewrite(s);
        return s ? { t: 'raw', sql: renderText(s) } : undefined;
      }
      // knex.ref('users.id'): an identifier.
      if (method === 'ref' && objRole?.kind === 'knex' && args.length === 1) {
        const name = this.str(args[0], env);
        if (name !== undefined) return { t: 'raw', sql: name.split('.').map(quoteIdent).join('.') };
      }
      if (method === 'func' && objRole?.kind === 'pgm') {
        const s = argStr(0);
        return s ? { t: 'raw', sql: renderText(s) } : undefined;
      }
      if (method === 'now' && callee.object.type === 'MemberExpression' && propertyName(callee.object) === 'fn') {
        const precision = args[0] ? this.val(args[0], env) : undefined;
        return { t: 'raw', sql: precision?.t === 'num' ? `CURRENT_TIMESTAMP(${precision.raw})` : 'CURRENT_TIMESTAMP' };
      }
      if (method === 'uuid' && callee.object.type === 'MemberExpression' && propertyName(callee.object) === 'fn') {
        return { t: 'raw', sql: 'gen_random_uuid()' };
      }
      if (method && /^(join|concat|trim|trimStart|trimEnd|toString)$/.test(method)) {
        const s = this.string(node, env);
        if (s) return { t: 'str', s, value: plainText(s), node };
      }
      const base = this.val(callee.object, env);
      if (base.t === 'path' && method) {
        const parts = [...base.parts, method];
        // Sequelize.fn('now'), Sequelize.literal('CURRENT_TIMESTAMP'), sequelize.literal(...)
        if (method === 'literal' || method === 'fn') {
          const s = argStr(0);
          if (s) {
            if (method === 'literal') return { t: 'raw', sql: renderText(s) };
            const fnArgs = args.slice(1).map((a) => sqlLiteral(this.val(a, env)) ?? this.src(a));
            return { t: 'raw', sql: `${renderText(s)}(${fnArgs.join(', ')})` };
          }
        }
        return { t: 'call', parts, args: args.map((a) => this.val(a, env)), node };
      }
      if (base.t === 'role' && method && (method === 'literal' || method === 'fn')) {
        const s = argStr(0);
        if (s) return method === 'literal' ? { t: 'raw', sql: renderText(s) } : { t: 'raw', sql: `${renderText(s)}()` };
      }
      return undefined;
    }
    if (callee.type === 'Identifier') {
      const b = env.lookup(callee.name);
      if (!b || b.kind === 'import') return { t: 'call', parts: [callee.name], args: args.map((a) => this.val(a, env)), node };
    }
    return undefined;
  }
}

/**
 * A migration context's `escape.tableName('x')` and the like (n8n): the quoted name it
 * returns, with the table prefix (a setting known only at run time) written `${tablePrefix}`,
 * the way the same name reads in SQL that interpolates the prefix itself.
 */
function escapedName(method: string, arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  switch (method) {
    case 'columnName':
      return quoteIdent(arg);
    case 'tableName':
    case 'triggerName':
    case 'functionName':
      return quoteIdent('${tablePrefix}' + arg);
    case 'indexName':
      return quoteIdent('IDX_${tablePrefix}' + arg);
    default:
      return undefined;
  }
}

/** A JS value printed as a SQL literal, when it has a literal form. */
export function sqlLiteral(v: Val): string | undefined {
  switch (v.t) {
    case 'str':
      return quoteLiteral(v.value);
    case 'num':
      return v.raw;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'null':
      return 'NULL';
    case 'raw':
      return v.sql;
    default:
      return undefined;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A static string as SQL text, holes written as quoted names (`"${x}"`) where they stand in code. */
export function renderText(s: StaticString): string {
  let out = '';
  for (const p of s.pieces) {
    if (p.kind === 'text') out += p.text;
    else {
      const state = sqlStateAt(out);
      const name = placeholder(p.src.replace(/["'\\$]/g, ''));
      out += state === 'code' ? `"${name}"` : name;
    }
  }
  return out;
}

/**
 * Rewrites markers inside the text pieces of a static string (bindings such as
 * knex's `?`/`??`), keeping every other character's position.
 */
export function rewriteText(
  s: StaticString,
  re: RegExp,
  replace: (m: RegExpExecArray, before: string) => string | undefined,
): StaticString {
  const pieces: Piece[] = [];
  let rendered = '';
  for (const p of s.pieces) {
    if (p.kind !== 'text') {
      pieces.push(p);
      rendered += ' x ';
      continue;
    }
    const text = p.text;
    let last = 0;
    const regex = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    let m: RegExpExecArray | null;
    while ((m = regex.exec(text))) {
      const rep = replace(m, rendered + text.slice(0, m.index));
      if (rep === undefined) continue;
      if (m.index > last) {
        const from = last;
        pieces.push(textPiece(text.slice(last, m.index), (k) => p.map(from + k)));
      }
      pieces.push(fixedPiece(rep, p.map(m.index), p.map(m.index + m[0].length)));
      last = m.index + m[0].length;
      if (m[0].length === 0) regex.lastIndex++;
    }
    if (last < text.length) {
      const from = last;
      pieces.push(textPiece(text.slice(last), (k) => p.map(from + k)));
    } else if (last === 0 && text.length === 0) pieces.push(p);
    rendered += text;
  }
  return { pieces };
}

/** Values of positional bindings as SQL, `$n` when not known. */
export function bindingSql(v: Val | undefined, n: number): string {
  if (!v || v.t === 'unknown' || v.t === 'undef') return `$${n}`;
  return sqlLiteral(v) ?? `$${n}`;
}

/** An identifier binding (knex `??`, `:name:`): the name quoted (dotted names part by part), or a placeholder name. */
function bindingIdent(v: Val | undefined, src: string): string {
  const name = v && (v.t === 'str' ? v.value : undefined);
  if (name !== undefined) return name.split('.').map(quoteIdent).join('.');
  return quoteIdent('${' + src + '}');
}

/**
 * knex.raw(sql, bindings): `??` is an identifier, `?` a value, `\?` a literal
 * question mark; with an object, `:name:` and `:name`. Without bindings the SQL is
 * sent as written. Used for statements (`await knex.raw(...)`) and for fragments
 * inside a query builder (`.update({ c: knex.raw('REPLACE(??, ...)', ['c']) })`).
 */
export function knexBindingRewrite(ev: Evaluator, bindings: t.Node | undefined, env: Env): ((s: StaticString) => StaticString) | undefined {
  if (!bindings) return undefined;
  const v = ev.val(bindings, env);
  if (v.t === 'arr' || v.t === 'unknown' || v.t === 'path') {
    const items = v.t === 'arr' ? v.items : [];
    return (s) => {
      let n = 0;
      return rewriteText(s, /\\\?|\?\?|\?/g, (m) => {
        if (m[0] === '\\?') return '?';
        const item = items[n];
        n++;
        return m[0] === '??' ? bindingIdent(item, `binding ${n}`) : bindingSql(item, n);
      });
    };
  }
  if (v.t === 'obj') {
    let n = 0;
    const item = (key: string) => {
      const p = v.props.get(key);
      return p ? ev.val(p.node, p.env) : undefined;
    };
    return (s) =>
      rewriteText(s, /\\?(:(\w+):(?=::)|:(\w+):(?!:)|:(\w+))/g, (m) => {
        if (m[0].startsWith('\\')) return m[0].slice(1);
        const identKey = m[2] ?? m[3];
        const key = identKey ?? m[4];
        if (!v.props.has(key)) return undefined;
        if (identKey) return bindingIdent(item(key), key);
        n++;
        return bindingSql(item(key), n);
      });
  }
  return (s) => rewriteText(s, /\\\?/g, () => '?');
}
