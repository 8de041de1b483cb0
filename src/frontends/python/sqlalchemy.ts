/**
 * SQLAlchemy constructs as PostgreSQL DDL, the way SQLAlchemy's PostgreSQL dialect
 * prints them: types, `sa.Column(...)`, table constraints, server defaults.
 */
import type { SyntaxNode } from '@lezer/common';
import { asCall, boolConst, constOf, dotted, itemsOf, lastName, resolve, strConst, strOf, type Call, type Scope } from './values.js';
import { lit, q, qname } from './lower.js';
import { unparen } from './syntax.js';

const SIMPLE_TYPES: Record<string, string> = {
  Integer: 'INTEGER',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  SmallInteger: 'SMALLINT',
  SMALLINT: 'SMALLINT',
  BigInteger: 'BIGINT',
  BIGINT: 'BIGINT',
  Text: 'TEXT',
  TEXT: 'TEXT',
  UnicodeText: 'TEXT',
  CLOB: 'TEXT',
  Boolean: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  Date: 'DATE',
  DATE: 'DATE',
  Interval: 'INTERVAL',
  INTERVAL: 'INTERVAL',
  LargeBinary: 'BYTEA',
  BLOB: 'BYTEA',
  BYTEA: 'BYTEA',
  BINARY: 'BYTEA',
  VARBINARY: 'BYTEA',
  PickleType: 'BYTEA',
  JSON: 'JSON',
  JSONB: 'JSONB',
  Uuid: 'UUID',
  UUID: 'UUID',
  UUIDType: 'UUID',
  GUID: 'UUID',
  REAL: 'REAL',
  Double: 'DOUBLE PRECISION',
  DOUBLE: 'DOUBLE PRECISION',
  DOUBLE_PRECISION: 'DOUBLE PRECISION',
  INET: 'INET',
  CIDR: 'CIDR',
  MACADDR: 'MACADDR',
  MACADDR8: 'MACADDR8',
  MONEY: 'MONEY',
  OID: 'OID',
  REGCLASS: 'REGCLASS',
  REGCONFIG: 'REGCONFIG',
  TSVECTOR: 'TSVECTOR',
  TSQUERY: 'TSQUERY',
  HSTORE: 'HSTORE',
  CITEXT: 'CITEXT',
  INT4RANGE: 'INT4RANGE',
  INT8RANGE: 'INT8RANGE',
  NUMRANGE: 'NUMRANGE',
  DATERANGE: 'DATERANGE',
  TSRANGE: 'TSRANGE',
  TSTZRANGE: 'TSTZRANGE',
  INT4MULTIRANGE: 'INT4MULTIRANGE',
  INT8MULTIRANGE: 'INT8MULTIRANGE',
  NUMMULTIRANGE: 'NUMMULTIRANGE',
  DATEMULTIRANGE: 'DATEMULTIRANGE',
  TSMULTIRANGE: 'TSMULTIRANGE',
  TSTZMULTIRANGE: 'TSTZMULTIRANGE',
  JSONPATH: 'JSONPATH',
  // sqlalchemy-utils and friends
  EmailType: 'VARCHAR(255)',
  ChoiceType: 'VARCHAR(255)',
  URLType: 'TEXT',
  JSONType: 'JSON',
  IPAddressType: 'VARCHAR(50)',
  TSVectorType: 'TSVECTOR',
  PasswordType: 'BYTEA',
  LtreeType: 'LTREE',
  ArrowType: 'TIMESTAMP WITHOUT TIME ZONE',
};

/** An enum type a column uses, for `CREATE TYPE` before a `CREATE TABLE`. */
export interface SaEnum {
  name: string;
  values: string[];
  create: boolean;
}

export interface SaType {
  sql: string;
  enum?: SaEnum;
  /** The Python class name (`Integer`, `BigInteger`), for SERIAL decisions. */
  base: string;
}

/** A SQLAlchemy type expression (`sa.String(50)`, `sa.Integer`, `postgresql.ARRAY(sa.Text())`) as PostgreSQL. */
export function saType(scope: Scope, node: SyntaxNode | undefined): SaType | undefined {
  const n = resolve(scope, node);
  if (!n) return undefined;
  const call = asCall(scope.file, n);
  let name: string | undefined;
  let path: string | undefined;
  if (call) {
    // `sa.Integer().with_variant(...)`, `sa.JSON().evaluates_none()`: the base type.
    const method = lastName(call.callee);
    const target = call.calleeNode.name === 'MemberExpression' ? call.calleeNode.firstChild : null;
    if (target && target.name === 'CallExpression' && /^(with_variant|evaluates_none|as_generic|copy)$/.test(method)) {
      return saType(scope, target);
    }
    name = lastName(call.callee);
    path = call.callee;
  } else {
    path = dotted(scope.file, n);
    if (!path) return undefined;
    name = lastName(path);
  }
  if (!name) return undefined;
  // A type the project defines (a TypeDecorator): as it compiles for PostgreSQL.
  const custom = scope.root().customType;
  const qualified = custom && path ? scope.qualify(path) : undefined;
  if (custom && qualified && qualified.includes('.') && !qualified.startsWith('sqlalchemy.')) {
    const found = custom(qualified);
    if (found) return found;
  }
  const parametric = PARAMETRIC_TYPES.get(name);
  if (parametric) {
    const num = (index: number, kw: string) => {
      const v = call ? constOf(scope, call.kwargs.get(kw) ?? call.args[index]) : undefined;
      return typeof v === 'number' ? v : undefined;
    };
    const flag = (kw: string) => (call ? boolConst(scope, call.kwargs.get(kw)) === true : false);
    return parametric({ scope, call, name, num, flag });
  }
  const simple = SIMPLE_TYPES[name];
  if (simple) return { sql: simple, base: name };
  // A custom TypeDecorator or a type we do not know: its name, quoted.
  return { sql: q(name.toLowerCase()), base: name };
}

/** A type written with arguments (`sa.String(50)`), or bare (`sa.String`: no call). */
interface TypeCall {
  scope: Scope;
  call: Call | undefined;
  /** The class name as written: `String`, `VARCHAR`. */
  name: string;
  /** A number argument, by keyword or else by position (-1: keyword only). */
  num(index: number, kw: string): number | undefined;
  flag(kw: string): boolean;
}

const varchar = ({ name, num }: TypeCall): SaType => {
  const len = num(0, 'length');
  return { sql: len ? `VARCHAR(${len})` : 'VARCHAR', base: name };
};

const char = ({ name, num }: TypeCall): SaType => {
  const len = num(0, 'length');
  return { sql: len ? `CHAR(${len})` : 'CHAR', base: name };
};

const timestamp = ({ scope, call, name, num, flag }: TypeCall): SaType => {
  const p = num(-1, 'precision');
  // postgresql.TIMESTAMP(True): timezone is its first positional argument.
  const tz = flag('timezone') || (name === 'TIMESTAMP' && call?.args[0] && boolConst(scope, call.args[0]) === true);
  return { sql: `TIMESTAMP${p !== undefined ? `(${p})` : ''} ${tz ? 'WITH' : 'WITHOUT'} TIME ZONE`, base: name };
};

const time = ({ name, num, flag }: TypeCall): SaType => {
  const p = num(-1, 'precision');
  return { sql: `TIME${p !== undefined ? `(${p})` : ''} ${flag('timezone') ? 'WITH' : 'WITHOUT'} TIME ZONE`, base: name };
};

const float = ({ name, num }: TypeCall): SaType => {
  const p = num(0, 'precision');
  return { sql: p ? `FLOAT(${p})` : 'FLOAT', base: name };
};

const numeric = ({ name, num }: TypeCall): SaType => {
  const p = num(0, 'precision');
  const s = num(1, 'scale');
  return { sql: p !== undefined ? `NUMERIC(${p}${s !== undefined ? `, ${s}` : ''})` : 'NUMERIC', base: name };
};

const bit = ({ name, num }: TypeCall): SaType => {
  const len = num(0, 'length');
  return { sql: len ? `BIT(${len})` : 'BIT', base: name };
};

const array = ({ scope, call, name, num }: TypeCall): SaType => {
  const item = saType(scope, call?.kwargs.get('item_type') ?? call?.args[0]);
  const dims = num(-1, 'dimensions') ?? 1;
  return { sql: `${item?.sql ?? 'TEXT'}${'[]'.repeat(Math.max(1, dims))}`, base: name, enum: item?.enum };
};

/** Values come as arguments or as a Python Enum class, which also names the type when `name=` does not. */
const enumType = ({ scope, call, name, num }: TypeCall): SaType => {
  const values: string[] = [];
  let typeName = call ? strConst(scope, call.kwargs.get('name')) : undefined;
  for (const a of call?.args ?? []) {
    const v = constOf(scope, a);
    if (typeof v === 'string') values.push(v);
    else if (Array.isArray(v)) values.push(...v.filter((x): x is string => typeof x === 'string'));
    else if (!typeName) typeName = dotted(scope.file, a) ? lastName(dotted(scope.file, a)!).toLowerCase() : undefined;
  }
  // native_enum=False: a VARCHAR as long as the longest value.
  if (call && boolConst(scope, call.kwargs.get('native_enum')) === false) {
    const len = num(-1, 'length') ?? Math.max(0, ...values.map((v) => v.length));
    return { sql: `VARCHAR(${len || 255})`, base: name };
  }
  const create = call ? boolConst(scope, call.kwargs.get('create_type')) !== false : true;
  const schema = call ? strConst(scope, call.kwargs.get('schema')) : undefined;
  const enumName = typeName ?? 'enum';
  return { sql: qname(enumName, schema), base: name, enum: { name: enumName, values, create } };
};

/** GeoAlchemy2. */
const geo = ({ scope, call, name, num }: TypeCall): SaType => {
  const kind = call ? strConst(scope, call.kwargs.get('geometry_type') ?? call.args[0]) : undefined;
  const srid = num(1, 'srid');
  const base = name.toLowerCase();
  return { sql: kind ? `${base}(${kind}${srid !== undefined && srid >= 0 ? `,${srid}` : ''})` : base, base: name };
};

/** Types whose SQL depends on their arguments (the others are in SIMPLE_TYPES). */
const PARAMETRIC_TYPES = new Map<string, (t: TypeCall) => SaType>(
  Object.entries({
    String: varchar,
    VARCHAR: varchar,
    Unicode: varchar,
    NVARCHAR: varchar,
    AutoString: varchar,
    CHAR: char,
    NCHAR: char,
    DateTime: timestamp,
    TIMESTAMP: timestamp,
    Time: time,
    TIME: time,
    Float: float,
    FLOAT: float,
    Numeric: numeric,
    NUMERIC: numeric,
    DECIMAL: numeric,
    BIT: bit,
    ARRAY: array,
    Enum: enumType,
    ENUM: enumType,
    Geometry: geo,
    Geography: geo,
  }),
);

export interface SaForeignKey {
  name?: string;
  columns: string[];
  refTable: string;
  refSchema?: string;
  refColumns: string[];
  ondelete?: string;
  onupdate?: string;
  deferrable?: boolean;
  initially?: string;
  notValid?: boolean;
}

export interface SaColumn {
  name: string;
  type?: SaType;
  nullable: boolean;
  primaryKey: boolean;
  serverDefault?: string;
  unique: boolean;
  index: boolean;
  autoincrement?: boolean;
  identity?: string;
  computed?: string;
  foreignKeys: SaForeignKey[];
  node: SyntaxNode;
}

/** `"users.id"` / `"schema.users.id"` as table, schema and column. */
function splitTarget(target: string): { table: string; schema?: string; column: string } {
  const parts = target.split('.');
  const column = parts.pop() ?? 'id';
  const table = parts.pop() ?? '';
  return { table, schema: parts.length ? parts.join('.') : undefined, column };
}

function fkOptions(scope: Scope, call: Call): Pick<SaForeignKey, 'ondelete' | 'onupdate' | 'deferrable' | 'initially' | 'notValid' | 'name'> {
  return {
    name: strConst(scope, call.kwargs.get('name')),
    ondelete: strConst(scope, call.kwargs.get('ondelete')),
    onupdate: strConst(scope, call.kwargs.get('onupdate')),
    deferrable: boolConst(scope, call.kwargs.get('deferrable')),
    initially: strConst(scope, call.kwargs.get('initially')),
    notValid: boolConst(scope, call.kwargs.get('postgresql_not_valid')),
  };
}

/** A server default: `'0'`, `sa.text('now()')`, `sa.func.now()`, `sa.true()`. */
export function serverDefault(scope: Scope, node: SyntaxNode | undefined): string | undefined {
  const n = resolve(scope, node);
  if (!n) return undefined;
  if (n.name === 'None') return undefined;
  const v = constOf(scope, n);
  if (typeof v === 'string') return lit(v);
  if (typeof v === 'number') return lit(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // A value computed in Python (`json.dumps({})`) reaches the server as a constant string: a
  // literal standing for it keeps "this column has a default" true, where NULL would not be.
  return sqlExpression(scope, n) ?? lit(`{${scope.file.src(n).replace(/\s+/g, ' ').trim().slice(0, 40)}}`);
}

/** SQL for simple SQLAlchemy expressions: `sa.text(...)`, `sa.func.now()`, `sa.true()`, `sa.literal_column(...)`. */
export function sqlExpression(scope: Scope, node: SyntaxNode | undefined): string | undefined {
  const n = resolve(scope, node);
  if (!n) return undefined;
  const call = asCall(scope.file, n);
  if (!call) {
    const s = strOf(scope, n);
    return s && !s.dynamic ? s.text : undefined;
  }
  const name = lastName(call.callee);
  if (name === 'text' || name === 'literal_column' || name === 'DefaultClause') {
    const s = strOf(scope, call.args[0]);
    return s ? s.text : undefined;
  }
  if (name === 'true' || name === 'false') return name;
  if (name === 'null') return 'NULL';
  const func = /(?:^|\.)func\.(\w+(?:\.\w+)*)$/.exec(call.callee);
  if (func) {
    const args = call.args.map((a) => {
      const v = constOf(scope, a);
      if (typeof v === 'string') return lit(v);
      if (typeof v === 'number') return String(v);
      return sqlExpression(scope, a) ?? 'NULL';
    });
    return `${func[1]}(${args.join(', ')})`;
  }
  return undefined;
}

/** `sa.Column('name', sa.Integer(), nullable=False, ...)`. */
export function saColumn(scope: Scope, node: SyntaxNode): SaColumn | undefined {
  const call = asCall(scope.file, resolve(scope, node));
  if (!call || !/^(Column|mapped_column)$/.test(lastName(call.callee))) return undefined;
  let name = strConst(scope, call.kwargs.get('name'));
  let type = call.kwargs.has('type_') ? saType(scope, call.kwargs.get('type_')) : undefined;
  const foreignKeys: SaForeignKey[] = [];
  let identity: string | undefined;
  let computed: string | undefined;
  for (const a of call.args) {
    const v = constOf(scope, a);
    if (typeof v === 'string' && name === undefined) {
      name = v;
      continue;
    }
    const inner = asCall(scope.file, resolve(scope, a));
    const innerName = inner ? lastName(inner.callee) : undefined;
    if (inner && innerName === 'ForeignKey') {
      const target = strConst(scope, inner.args[0]);
      if (target) {
        const t = splitTarget(target);
        foreignKeys.push({ columns: [], refTable: t.table, refSchema: t.schema, refColumns: [t.column], ...fkOptions(scope, inner) });
      }
    } else if (inner && innerName === 'Identity') {
      const always = boolConst(scope, inner.kwargs.get('always')) === true;
      identity = `GENERATED ${always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
    } else if (inner && innerName === 'Computed') {
      computed = `GENERATED ALWAYS AS (${sqlExpression(scope, inner.args[0]) ?? 'NULL'}) STORED`;
    } else if (inner && (innerName === 'Sequence' || innerName === 'CheckConstraint')) {
      // Sequences are created separately; column CHECKs are rare in migrations.
    } else if (!type) {
      type = saType(scope, a);
    }
  }
  if (!name) return undefined;
  const primaryKey = boolConst(scope, call.kwargs.get('primary_key')) === true;
  const nullableArg = boolConst(scope, call.kwargs.get('nullable'));
  const autoincrement = call.kwargs.has('autoincrement') ? boolConst(scope, call.kwargs.get('autoincrement')) : undefined;
  for (const fk of foreignKeys) fk.columns = [name];
  return {
    name,
    type,
    nullable: nullableArg ?? !primaryKey,
    primaryKey,
    serverDefault: call.kwargs.has('server_default') ? serverDefault(scope, call.kwargs.get('server_default')) : undefined,
    unique: boolConst(scope, call.kwargs.get('unique')) === true,
    index: boolConst(scope, call.kwargs.get('index')) === true,
    autoincrement,
    identity,
    computed,
    foreignKeys,
    node: call.node,
  };
}

/** `"name" TYPE [DEFAULT x] [NOT NULL]`, as SQLAlchemy prints a column. */
export function columnSql(col: SaColumn, opts: { serial?: boolean } = {}): string {
  let type = col.type?.sql ?? 'INTEGER';
  if (opts.serial && !col.identity) {
    if (col.type?.base === 'BigInteger' || col.type?.base === 'BIGINT') type = 'BIGSERIAL';
    else if (col.type?.base === 'SmallInteger' || col.type?.base === 'SMALLINT') type = 'SMALLSERIAL';
    else type = 'SERIAL';
  }
  let sql = `${q(col.name)} ${type}`;
  if (col.computed) sql += ` ${col.computed}`;
  if (col.serverDefault !== undefined && !col.identity) sql += ` DEFAULT ${col.serverDefault}`;
  if (col.identity) sql += ` ${col.identity}`;
  if (!col.nullable) sql += ' NOT NULL';
  return sql;
}

/** Whether SQLAlchemy makes this primary key column SERIAL (a lone integer key with autoincrement). */
export function isSerial(col: SaColumn, pkCount: number): boolean {
  if (!col.primaryKey || pkCount !== 1 || col.autoincrement === false || col.identity || col.serverDefault) return false;
  if (col.foreignKeys.length) return false;
  return /^(Integer|INTEGER|INT|BigInteger|BIGINT|SmallInteger|SMALLINT)$/.test(col.type?.base ?? 'Integer');
}

export function foreignKeySql(fk: SaForeignKey): string {
  let sql = `${fk.name ? `CONSTRAINT ${q(fk.name)} ` : ''}FOREIGN KEY(${fk.columns.map(q).join(', ')}) REFERENCES ${qname(fk.refTable, fk.refSchema)} (${fk.refColumns.map(q).join(', ')})`;
  if (fk.ondelete) sql += ` ON DELETE ${fk.ondelete}`;
  if (fk.onupdate) sql += ` ON UPDATE ${fk.onupdate}`;
  if (fk.deferrable !== undefined) sql += fk.deferrable ? ' DEFERRABLE' : ' NOT DEFERRABLE';
  if (fk.initially) sql += ` INITIALLY ${fk.initially}`;
  if (fk.notValid) sql += ' NOT VALID';
  return sql;
}

/**
 * `sa.text('lower(name)')`, `sa.literal_column('ingested_at DESC')`: SQLAlchemy prints
 * these index elements as written (a TextClause does not group itself, a literal
 * column is a column), so `ingested_at DESC` stays a column with its ordering.
 */
function verbatimElement(scope: Scope, node: SyntaxNode): string | undefined {
  const call = asCall(scope.file, resolve(scope, node));
  if (!call || !/^(text|literal_column)$/.test(lastName(call.callee))) return undefined;
  const s = strOf(scope, call.args[0]);
  return s ? s.text : undefined;
}

/** `table.c.created_at.desc()`, `sa.text('x').asc()`: an element with its ordering as a method. */
function methodOrdering(scope: Scope, node: SyntaxNode): string | undefined {
  const call = asCall(scope.file, resolve(scope, node));
  const method = call ? lastName(call.callee) : '';
  if (!call || call.args.length || !/^(desc|asc)$/.test(method) || call.calleeNode.name !== 'MemberExpression') return undefined;
  const receiver = call.calleeNode.firstChild;
  const inner = receiver ? columnList(scope, receiver) : undefined;
  return inner?.length === 1 ? `${inner[0]} ${method.toUpperCase()}` : undefined;
}

/** Column names from a list argument (`['a', 'b']`, `'a'`, or `sa.text(...)` expressions). */
export function columnList(scope: Scope, node: SyntaxNode | undefined): string[] | undefined {
  if (!node) return undefined;
  const items = itemsOf(scope, node) ?? [unparen(node)];
  const out: string[] = [];
  for (const item of items) {
    const name = strConst(scope, item);
    if (name !== undefined) {
      out.push(q(name));
      continue;
    }
    const verbatim = verbatimElement(scope, item);
    if (verbatim !== undefined) {
      out.push(verbatim);
      continue;
    }
    const ordered = methodOrdering(scope, item);
    if (ordered !== undefined) {
      out.push(ordered);
      continue;
    }
    const expr = sqlExpression(scope, item);
    if (expr !== undefined) {
      out.push(`(${expr})`);
      continue;
    }
    // `sa.column('x')`, `table.c.x`, `sa.desc('x')`.
    const call = asCall(scope.file, resolve(scope, item));
    if (call && /^(column|literal_column)$/.test(lastName(call.callee))) {
      const v = strConst(scope, call.args[0]);
      if (v) {
        out.push(q(v));
        continue;
      }
    }
    if (call && /^(desc|asc)$/.test(lastName(call.callee))) {
      const inner = columnList(scope, call.args[0]);
      if (inner?.length) {
        out.push(`${inner[0]} ${lastName(call.callee).toUpperCase()}`);
        continue;
      }
    }
    const path = dotted(scope.file, item);
    if (path && /\.c\.\w+$/.test(path)) {
      out.push(q(lastName(path)));
      continue;
    }
    return undefined;
  }
  return out;
}

/** Table-level constraints passed to `op.create_table(...)` after the columns. */
export function tableConstraint(scope: Scope, node: SyntaxNode): { sql: string; kind: string; columns?: string[] } | undefined {
  const call = asCall(scope.file, resolve(scope, node));
  if (!call) return undefined;
  const kind = lastName(call.callee);
  const name = strConst(scope, call.kwargs.get('name'));
  const prefix = name ? `CONSTRAINT ${q(name)} ` : '';
  const names = (nodes: SyntaxNode[]) => nodes.map((a) => strConst(scope, a)).filter((x): x is string => x !== undefined);
  switch (kind) {
    case 'PrimaryKeyConstraint': {
      const cols = names(call.args);
      return { sql: `${prefix}PRIMARY KEY (${cols.map(q).join(', ')})`, kind, columns: cols };
    }
    case 'UniqueConstraint': {
      const cols = names(call.args);
      const nulls = boolConst(scope, call.kwargs.get('postgresql_nulls_not_distinct')) ? ' NULLS NOT DISTINCT' : '';
      return { sql: `${prefix}UNIQUE${nulls} (${cols.map(q).join(', ')})`, kind, columns: cols };
    }
    case 'CheckConstraint': {
      const expr = sqlExpression(scope, call.args[0]) ?? 'true';
      return { sql: `${prefix}CHECK (${expr})`, kind };
    }
    case 'ForeignKeyConstraint': {
      // SQLAlchemy's CREATE TABLE leaves out a use_alter constraint, for metadata.create_all
      // to add after every table; op.create_table never adds it (mealie's initial tables).
      if (boolConst(scope, call.kwargs.get('use_alter')) === true) return undefined;
      const cols = (itemsOf(scope, call.args[0]) ?? []).map((a) => strConst(scope, a)).filter((x): x is string => !!x);
      const refs = (itemsOf(scope, call.args[1]) ?? []).map((a) => strConst(scope, a)).filter((x): x is string => !!x);
      if (!refs.length) return undefined;
      const target = splitTarget(refs[0]);
      const fk: SaForeignKey = {
        columns: cols,
        refTable: target.table,
        refSchema: target.schema,
        refColumns: refs.map((r) => splitTarget(r).column),
        ...fkOptions(scope, call),
      };
      return { sql: foreignKeySql(fk), kind };
    }
    default:
      return undefined;
  }
}
