/**
 * Rails migration methods lowered to the SQL Rails' PostgreSQL adapter runs, and, for
 * `change`, to what ActiveRecord::Migration::CommandRecorder runs when it reverts them
 * (or the reason it gives for refusing to).
 */
import { callArgs, bodyOf, blockParam, isSym, isUnknown, nameOf, nameValue, valueOf, type RValue } from './values.js';
import { kind, type RbFile, type RNode } from './source.js';
import { checkName, defaultSql, foreignKeyName, indexName, lit, q, qt, typeSql } from './sql.js';
import { pluralize, singularize } from './inflect.js';

export interface Op {
  /** What the call runs, in order. */
  sql: string[];
  /** What reverting it in `change` runs; undefined with `irreversible`. */
  inverse?: string[];
  /** Rails' reason for not reverting it (`ActiveRecord::IrreversibleMigration`). */
  irreversible?: string;
}

type Report = (node: RNode, reason: string) => void;

/** Column types Rails accepts as `t.<type>` and `add_column`'s type. */
const COLUMN_TYPES = new Set([
  'string', 'text', 'integer', 'bigint', 'float', 'decimal', 'numeric', 'datetime', 'timestamp', 'timestamptz', 'time', 'date',
  'binary', 'boolean', 'json', 'jsonb', 'uuid', 'inet', 'cidr', 'macaddr', 'hstore', 'citext', 'ltree', 'xml', 'tsvector',
  'daterange', 'numrange', 'tsrange', 'tstzrange', 'int4range', 'int8range', 'point', 'line', 'lseg', 'box', 'path', 'polygon',
  'circle', 'bit', 'bit_varying', 'money', 'interval', 'oid', 'enum', 'virtual', 'serial', 'bigserial', 'primary_key',
]);

const str = (v: RValue | undefined): string | undefined => nameValue(v);
const list = (v: RValue | undefined): string[] => (Array.isArray(v) ? v.map(str).filter((x): x is string => x !== undefined) : str(v) !== undefined ? [str(v)!] : []);

export class OpLowerer {
  constructor(
    private readonly file: RbFile,
    readonly version: number,
    private readonly report: Report,
  ) {}

  /** The primary key column type Rails gives `create_table` by default. */
  private get idType(): string {
    return this.version >= 5.1 ? 'bigserial' : 'serial';
  }

  /** The type of a reference column (`t.references`, `add_reference`, join tables). */
  private get refType(): string {
    return this.version >= 5.1 ? 'bigint' : 'integer';
  }

  /** One column definition as Rails' schema creation prints it. */
  column(name: string, type: string, opts: ReadonlyMap<string, RValue>): string {
    let sql: string;
    if (type === 'virtual') {
      const as = str(opts.get('as')) ?? '';
      sql = `${q(name)} ${typeSql(str(opts.get('type')) ?? 'string', opts, this.version)} GENERATED ALWAYS AS (${as}) STORED`;
    } else if (type === 'primary_key') sql = `${q(name)} bigserial primary key`;
    else if (type === 'serial' || type === 'bigserial') sql = `${q(name)} ${type}`;
    else sql = `${q(name)} ${typeSql(type, opts, this.version)}`;
    const collation = str(opts.get('collation'));
    if (collation) sql += ` COLLATE ${q(collation)}`;
    if (opts.has('default')) {
      const d = defaultSql(this.file, opts.get('default'));
      if (d !== undefined && d !== 'NULL') sql += ` DEFAULT ${d}`;
    }
    if (opts.get('null') === false) sql += ' NOT NULL';
    if (opts.get('primary_key') === true) sql += ' PRIMARY KEY';
    return sql;
  }

  /** Index column list: names quoted, expression strings as written, with `order:` and `opclass:`. */
  private indexColumns(columns: RValue | undefined, opts: ReadonlyMap<string, RValue>): { names: string[]; sql: string } {
    const cols = Array.isArray(columns) ? columns : columns === undefined ? [] : [columns];
    const names: string[] = [];
    const parts: string[] = [];
    const order = opts.get('order');
    const opclass = opts.get('opclass');
    for (const c of cols) {
      const name = str(c);
      if (name === undefined) continue;
      names.push(name);
      // A string that is not a plain column name is an expression (`lower(email)`), used as written.
      if (typeof c === 'string' && !/^\w+$/.test(c)) {
        parts.push(c);
        continue;
      }
      let part = q(name);
      const cls = opclass instanceof Map ? str(opclass.get(name)) : str(opclass);
      if (cls) part += ` ${cls}`;
      const dir = order instanceof Map ? str(order.get(name)) : str(order);
      if (dir) part += ` ${dir.toUpperCase()}`;
      parts.push(part);
    }
    return { names, sql: parts.join(', ') };
  }

  /** `add_index` (and `t.index`): CREATE INDEX as the adapter writes it. */
  addIndexSql(table: string, columns: RValue | undefined, opts: ReadonlyMap<string, RValue>): { sql: string; name: string } {
    const { names, sql: cols } = this.indexColumns(columns, opts);
    const name = str(opts.get('name')) ?? indexName(table, names.map((n) => n.replace(/\W+/g, '_').replace(/^_|_$/g, '')), this.version);
    const using = str(opts.get('using'));
    const where = str(opts.get('where'));
    const include = list(opts.get('include'));
    let sql = `CREATE ${opts.get('unique') === true ? 'UNIQUE ' : ''}INDEX ${str(opts.get('algorithm')) === 'concurrently' ? 'CONCURRENTLY ' : ''}${opts.get('if_not_exists') === true ? 'IF NOT EXISTS ' : ''}${q(name)} ON ${qt(table)}`;
    if (using) sql += ` USING ${using}`;
    sql += ` (${cols})`;
    if (include.length) sql += ` INCLUDE (${include.map(q).join(', ')})`;
    if (opts.get('nulls_not_distinct') === true) sql += ' NULLS NOT DISTINCT';
    if (where) sql += ` WHERE ${where}`;
    return { sql, name };
  }

  private removeIndexSql(table: string, name: string, opts: ReadonlyMap<string, RValue>): string {
    void table;
    return `DROP INDEX ${str(opts.get('algorithm')) === 'concurrently' ? 'CONCURRENTLY ' : ''}${opts.get('if_exists') === true ? 'IF EXISTS ' : ''}${q(name)}`;
  }

  /** `add_foreign_key from, to` with its options: the constraint's SQL and name. */
  foreignKey(from: string, to: string, opts: ReadonlyMap<string, RValue>): { clause: string; name: string; column: string } {
    const column = str(opts.get('column')) ?? `${singularize(to.split('.').pop()!)}_id`;
    const pk = str(opts.get('primary_key')) ?? 'id';
    const name = str(opts.get('name')) ?? foreignKeyName(from, [column]);
    let clause = `CONSTRAINT ${q(name)} FOREIGN KEY (${q(column)}) REFERENCES ${qt(to)} (${q(pk)})`;
    const action = (v: RValue | undefined) => ({ cascade: 'CASCADE', nullify: 'SET NULL', restrict: 'RESTRICT', no_action: 'NO ACTION' })[str(v) ?? ''];
    const onDelete = action(opts.get('on_delete'));
    const onUpdate = action(opts.get('on_update'));
    if (onDelete) clause += ` ON DELETE ${onDelete}`;
    if (onUpdate) clause += ` ON UPDATE ${onUpdate}`;
    const deferrable = str(opts.get('deferrable')) ?? (opts.get('deferrable') === true ? 'immediate' : undefined);
    if (deferrable) clause += ` DEFERRABLE INITIALLY ${deferrable.toUpperCase()}`;
    return { clause, name, column };
  }

  /**
   * `t.references` / `add_reference`: the columns, the index, and the foreign key, as
   * ReferenceDefinition adds them.
   */
  reference(table: string, ref: string, opts: ReadonlyMap<string, RValue>): { columns: string[]; indexes: string[]; fk?: string; names: string[] } {
    const polymorphic = opts.get('polymorphic') === true || opts.get('polymorphic') instanceof Map;
    const type = str(opts.get('type')) ?? this.refType;
    const colOpts = new Map<string, RValue>();
    for (const k of ['null', 'default', 'limit']) if (opts.has(k)) colOpts.set(k, opts.get(k)!);
    const idCol = `${ref}_id`;
    const columns = [this.column(idCol, type === 'bigint' || type === 'integer' || type === 'uuid' || type === 'string' ? type : type, colOpts)];
    const names = [idCol];
    if (polymorphic) {
      columns.push(this.column(`${ref}_type`, 'string', colOpts));
      names.unshift(`${ref}_type`);
    }
    const indexes: string[] = [];
    const index = opts.has('index') ? opts.get('index') : this.version >= 5 ? true : false;
    if (index !== false && index !== null) {
      const indexOpts = index instanceof Map ? index : new Map<string, RValue>();
      const cols = polymorphic ? [`${ref}_type`, idCol] : [idCol];
      indexes.push(this.addIndexSql(table, cols, indexOpts).sql);
    }
    let fk: string | undefined;
    const foreignKey = opts.get('foreign_key');
    if (foreignKey !== undefined && foreignKey !== false && foreignKey !== null && !polymorphic) {
      const fkOpts = foreignKey instanceof Map ? new Map(foreignKey) : new Map<string, RValue>();
      const to = str(fkOpts.get('to_table')) ?? pluralize(ref);
      fkOpts.set('column', idCol);
      fk = this.foreignKey(table, to, fkOpts).clause;
    }
    return { columns, indexes, fk, names };
  }

  private timestamps(opts: ReadonlyMap<string, RValue>): string[] {
    const o = new Map(opts);
    if (!o.has('null') && this.version >= 5) o.set('null', false);
    if (!o.has('precision') && this.version >= 7) o.set('precision', 6);
    return ['created_at', 'updated_at'].map((c) => this.column(c, 'datetime', o));
  }

  /** `create_table` with its block. */
  private createTable(call: RNode, table: string, opts: ReadonlyMap<string, RValue>): Op {
    const cols: string[] = [];
    const constraints: string[] = [];
    const after: string[] = [];
    const id = opts.get('id');
    const pk = opts.get('primary_key');
    if (id !== false && !Array.isArray(pk)) {
      const pkName = str(pk) ?? 'id';
      const idType = id === undefined || id === true ? this.idType : str(id) ?? this.idType;
      if (idType === 'uuid') cols.push(`${q(pkName)} uuid DEFAULT ${this.version >= 5.1 ? 'gen_random_uuid()' : 'uuid_generate_v4()'} NOT NULL PRIMARY KEY`);
      else if (idType === 'bigint' || idType === 'bigserial' || idType === 'primary_key') cols.push(`${q(pkName)} bigserial primary key`);
      else if (idType === 'integer' || idType === 'serial') cols.push(`${q(pkName)} serial primary key`);
      else cols.push(`${q(pkName)} ${typeSql(idType, new Map(), this.version)} NOT NULL PRIMARY KEY`);
    }
    this.tableBlock(call.block, table, { add: (c) => cols.push(c), constraint: (c) => constraints.push(c), after: (s) => after.push(s) }, 'create');
    if (Array.isArray(pk)) constraints.unshift(`PRIMARY KEY (${list(pk).map(q).join(', ')})`);
    const sql: string[] = [];
    if (str(opts.get('force')) === 'cascade' || opts.get('force') === true) sql.push(`DROP TABLE IF EXISTS ${qt(table)}${str(opts.get('force')) === 'cascade' ? ' CASCADE' : ''}`);
    sql.push(`CREATE${opts.get('temporary') === true ? ' TEMPORARY' : ''} TABLE ${opts.get('if_not_exists') === true ? 'IF NOT EXISTS ' : ''}${qt(table)} (${[...cols, ...constraints].join(', ')})`, ...after);
    return { sql, inverse: [`DROP TABLE ${qt(table)}`] };
  }

  /**
   * The `|t|` block of create_table / change_table: columns, references, timestamps,
   * indexes, constraints. In change_table each becomes its own ALTER TABLE.
   */
  private tableBlock(
    block: RNode | undefined,
    table: string,
    out: { add(col: string): void; constraint(c: string): void; after(sql: string): void; inverse?(sql: string): void; irreversible?(reason: string): void },
    mode: 'create' | 'change',
  ): void {
    const t = blockParam(block);
    for (const s of bodyOf(block)) {
      if (kind(s) !== 'CallNode' || !s.receiver || kind(s.receiver) !== 'LocalVariableReadNode' || s.receiver.name !== t) {
        this.report(s, `code inside ${mode === 'create' ? 'create_table' : 'change_table'} is not analysed`);
        continue;
      }
      const m: string = s.name;
      const { args, opts } = callArgs(s);
      const names = m === 'index' || m === 'check_constraint' ? [] : args.map(nameOf);
      if (names.some((n) => n === undefined)) {
        this.report(s, `t.${m}: a column name computed at run time is not analysed`);
        continue;
      }
      const cols = names as string[];
      const addColumn = (name: string, type: string, o: ReadonlyMap<string, RValue>) => {
        out.add(this.column(name, type, o));
        out.inverse?.(`ALTER TABLE ${qt(table)} DROP COLUMN ${q(name)}`);
        if (o.get('index') !== undefined && o.get('index') !== false) {
          const io = o.get('index') instanceof Map ? (o.get('index') as Map<string, RValue>) : new Map<string, RValue>();
          const idx = this.addIndexSql(table, name, io);
          out.after(idx.sql);
        }
      };
      if (COLUMN_TYPES.has(m)) for (const c of cols) addColumn(c, m, opts);
      else if (m === 'column') addColumn(cols[0], cols[1] ?? 'string', opts);
      else if (m === 'references' || m === 'belongs_to') {
        for (const ref of cols) {
          const r = this.reference(table, ref, opts);
          r.columns.forEach((c) => out.add(c));
          r.indexes.forEach((i) => out.after(i));
          if (r.fk) {
            if (mode === 'create') out.constraint(r.fk);
            else out.after(`ALTER TABLE ${qt(table)} ADD ${r.fk}`);
          }
          r.names.forEach((n) => out.inverse?.(`ALTER TABLE ${qt(table)} DROP COLUMN ${q(n)}`));
        }
      } else if (m === 'timestamps') {
        this.timestamps(opts).forEach((c) => out.add(c));
        out.inverse?.(`ALTER TABLE ${qt(table)} DROP COLUMN "created_at", DROP COLUMN "updated_at"`);
      } else if (m === 'index') {
        const columns = valueOf(s.arguments_?.arguments_?.[0]);
        const idx = this.addIndexSql(table, columns, opts);
        out.after(idx.sql);
        out.inverse?.(`DROP INDEX ${q(idx.name)}`);
      } else if (m === 'check_constraint') {
        const expr = nameOf(args[0]);
        if (expr === undefined) {
          this.report(s, 't.check_constraint: an expression computed at run time is not analysed');
          continue;
        }
        const name = str(opts.get('name')) ?? checkName(table, expr);
        if (mode === 'create') out.constraint(`CONSTRAINT ${q(name)} CHECK (${expr})`);
        else out.after(`ALTER TABLE ${qt(table)} ADD CONSTRAINT ${q(name)} CHECK (${expr})${opts.get('validate') === false ? ' NOT VALID' : ''}`);
      } else if (m === 'foreign_key') {
        const fk = this.foreignKey(table, cols[0], opts);
        if (mode === 'create') out.constraint(fk.clause);
        else out.after(`ALTER TABLE ${qt(table)} ADD ${fk.clause}`);
      } else if (mode === 'change' && (m === 'remove' || m === 'remove_references' || m === 'remove_belongs_to' || m === 'remove_timestamps')) {
        const drop = m === 'remove_timestamps' ? ['created_at', 'updated_at'] : m === 'remove' ? cols : cols.map((c) => `${c}_id`);
        out.after(`ALTER TABLE ${qt(table)} ${drop.map((c) => `DROP COLUMN ${q(c)}`).join(', ')}`);
        if (m === 'remove' && !opts.has('type')) out.irreversible?.('remove_column is only reversible if given a type.');
      } else if (mode === 'change' && m === 'rename') {
        out.after(`ALTER TABLE ${qt(table)} RENAME COLUMN ${q(cols[0])} TO ${q(cols[1])}`);
        out.inverse?.(`ALTER TABLE ${qt(table)} RENAME COLUMN ${q(cols[1])} TO ${q(cols[0])}`);
      } else if (mode === 'change' && m === 'change') {
        out.after(this.changeColumnSql(table, cols[0], cols[1], opts).join(';\n'));
        out.irreversible?.('change_column is not reversible: it does not know the column\'s previous type.');
      } else if (mode === 'change' && m === 'remove_index') {
        const r = this.removeIndex(table, valueOf(s.arguments_?.arguments_?.[0]), opts);
        if (r.sql) out.after(r.sql);
      } else this.report(s, `t.${m} is not analysed`);
    }
  }

  private changeColumnSql(table: string, column: string, type: string, opts: ReadonlyMap<string, RValue>): string[] {
    const parts = [`ALTER COLUMN ${q(column)} TYPE ${typeSql(type, opts, this.version)}${str(opts.get('using')) ? ` USING ${str(opts.get('using'))}` : ''}`];
    if (opts.has('default')) {
      const d = defaultSql(this.file, opts.get('default'));
      parts.push(d === undefined || d === 'NULL' ? `ALTER COLUMN ${q(column)} DROP DEFAULT` : `ALTER COLUMN ${q(column)} SET DEFAULT ${d}`);
    }
    if (opts.has('null')) parts.push(`ALTER COLUMN ${q(column)} ${opts.get('null') === false ? 'SET' : 'DROP'} NOT NULL`);
    return [`ALTER TABLE ${qt(table)} ${parts.join(', ')}`];
  }

  private removeIndex(table: string, columns: RValue | undefined, opts: ReadonlyMap<string, RValue>): { sql?: string; inverse?: string; irreversible?: string } {
    const cols = columns !== undefined && !(columns instanceof Map) ? columns : opts.get('column');
    const given = str(opts.get('name'));
    const names = list(cols);
    const name = given ?? (names.length ? indexName(table, names, this.version) : undefined);
    if (!name) return {};
    const sql = this.removeIndexSql(table, name, opts);
    if (!names.length) return { sql, irreversible: 'remove_index is only reversible if given a :column option.' };
    const addOpts = new Map(opts);
    addOpts.delete('column');
    addOpts.delete('if_exists');
    return { sql, inverse: this.addIndexSql(table, cols, addOpts).sql };
  }

  /**
   * One migration method call, or undefined when it is not one this lowering knows
   * (the caller lists it as not analysed). `execute` and data changes are handled by
   * the caller: their SQL is the author's, positioned inside the string.
   */
  lower(call: RNode): Op | undefined {
    const m: string = call.name;
    const { args, opts } = callArgs(call);
    const a = args.map(nameOf);
    const table = a[0];
    const need = (n: number) => a.slice(0, n).every((x) => x !== undefined);
    switch (m) {
      case 'create_table':
        if (!need(1)) return undefined;
        return this.createTable(call, table!, opts);
      case 'create_join_table': {
        if (!need(2)) return undefined;
        const name = str(opts.get('table_name')) ?? joinTableName(a[0]!, a[1]!);
        const colOpts = opts.get('column_options') instanceof Map ? new Map(opts.get('column_options') as Map<string, RValue>) : new Map<string, RValue>();
        if (!colOpts.has('null')) colOpts.set('null', false);
        const cols = [a[0]!, a[1]!].map((t) => this.column(`${singularize(t)}_id`, str(colOpts.get('type')) ?? this.refType, colOpts));
        const after: string[] = [];
        const constraints: string[] = [];
        this.tableBlock(call.block, name, { add: (c) => cols.push(c), constraint: (c) => constraints.push(c), after: (s) => after.push(s) }, 'create');
        return { sql: [`CREATE TABLE ${qt(name)} (${[...cols, ...constraints].join(', ')})`, ...after], inverse: [`DROP TABLE ${qt(name)}`] };
      }
      case 'drop_table':
      case 'drop_join_table': {
        if (!need(m === 'drop_join_table' ? 2 : 1)) return undefined;
        const name = m === 'drop_join_table' ? str(opts.get('table_name')) ?? joinTableName(a[0]!, a[1]!) : table!;
        const sql = `DROP TABLE ${opts.get('if_exists') === true ? 'IF EXISTS ' : ''}${qt(name)}${str(opts.get('force')) === 'cascade' ? ' CASCADE' : ''}`;
        if (m === 'drop_table' && !call.block && opts.size === 0)
          return { sql: [sql], irreversible: 'To avoid mistakes, drop_table is only reversible if given options or a block (can be empty).' };
        if (m === 'drop_table' && call.block) {
          const rebuilt = this.createTable(call, name, opts);
          return { sql: [sql], inverse: rebuilt.sql.filter((s) => !s.startsWith('DROP TABLE')) };
        }
        return { sql: [sql], irreversible: `${m} is only reversible if given a block with the table's columns.` };
      }
      case 'rename_table':
        if (!need(2)) return undefined;
        return { sql: [`ALTER TABLE ${qt(a[0]!)} RENAME TO ${q(a[1]!)}`], inverse: [`ALTER TABLE ${qt(a[1]!)} RENAME TO ${q(a[0]!)}`] };
      case 'add_column': {
        if (!need(3)) return undefined;
        const sql = [`ALTER TABLE ${qt(table!)} ADD ${opts.get('if_not_exists') === true ? 'IF NOT EXISTS ' : ''}${this.column(a[1]!, a[2]!, opts)}`];
        return { sql, inverse: [`ALTER TABLE ${qt(table!)} DROP COLUMN ${q(a[1]!)}`] };
      }
      case 'remove_column': {
        if (!need(2)) return undefined;
        const sql = [`ALTER TABLE ${qt(table!)} DROP COLUMN ${opts.get('if_exists') === true ? 'IF EXISTS ' : ''}${q(a[1]!)}`];
        if (a[2] === undefined) return { sql, irreversible: 'remove_column is only reversible if given a type.' };
        return { sql, inverse: [`ALTER TABLE ${qt(table!)} ADD ${this.column(a[1]!, a[2], opts)}`] };
      }
      case 'remove_columns': {
        const cols = a.slice(1);
        if (!need(1) || cols.length === 0 || cols.some((c) => c === undefined)) return undefined;
        const sql = [`ALTER TABLE ${qt(table!)} ${cols.map((c) => `DROP COLUMN ${q(c!)}`).join(', ')}`];
        const type = str(opts.get('type'));
        if (!type) return { sql, irreversible: 'remove_columns is only reversible if given a type.' };
        return { sql, inverse: [`ALTER TABLE ${qt(table!)} ${cols.map((c) => `ADD ${this.column(c!, type, opts)}`).join(', ')}`] };
      }
      case 'change_column':
        if (!need(3)) return undefined;
        return { sql: this.changeColumnSql(table!, a[1]!, a[2]!, opts), irreversible: "change_column is not reversible: Rails does not know the column's previous type." };
      case 'change_column_null': {
        if (!need(2)) return undefined;
        const allowNull = valueOf(args[2]);
        if (typeof allowNull !== 'boolean') return undefined;
        const sql: string[] = [];
        if (args[3] !== undefined && !allowNull) {
          const d = defaultSql(this.file, valueOf(args[3]));
          if (d !== undefined) sql.push(`UPDATE ${qt(table!)} SET ${q(a[1]!)}=${d} WHERE ${q(a[1]!)} IS NULL`);
        }
        const set = (nullable: boolean) => `ALTER TABLE ${qt(table!)} ALTER COLUMN ${q(a[1]!)} ${nullable ? 'DROP' : 'SET'} NOT NULL`;
        sql.push(set(allowNull));
        return { sql, inverse: [set(!allowNull)] };
      }
      case 'change_column_default': {
        if (!need(2)) return undefined;
        const hasFromTo = args[2] && kind(args[2]) !== 'KeywordHashNode' ? false : opts.has('from') && opts.has('to');
        const to = hasFromTo ? opts.get('to') : args[2] !== undefined ? valueOf(args[2]) : opts.size ? undefined : null;
        const setDefault = (v: RValue | undefined) => {
          const d = defaultSql(this.file, v);
          return `ALTER TABLE ${qt(table!)} ALTER COLUMN ${q(a[1]!)} ${d === undefined || d === 'NULL' ? 'DROP DEFAULT' : `SET DEFAULT ${d}`}`;
        };
        if (to !== undefined && isUnknown(to)) return undefined;
        const sql = [setDefault(to ?? null)];
        if (!hasFromTo) return { sql, irreversible: 'change_column_default is only reversible if given a :from and :to option.' };
        return { sql, inverse: [setDefault(opts.get('from'))] };
      }
      case 'rename_column':
        if (!need(3)) return undefined;
        return {
          sql: [`ALTER TABLE ${qt(table!)} RENAME COLUMN ${q(a[1]!)} TO ${q(a[2]!)}`],
          inverse: [`ALTER TABLE ${qt(table!)} RENAME COLUMN ${q(a[2]!)} TO ${q(a[1]!)}`],
        };
      case 'rename_index':
        if (!need(3)) return undefined;
        return { sql: [`ALTER INDEX ${q(a[1]!)} RENAME TO ${q(a[2]!)}`], inverse: [`ALTER INDEX ${q(a[2]!)} RENAME TO ${q(a[1]!)}`] };
      case 'add_index': {
        if (!need(1) || args.length < 2) return undefined;
        const columns = valueOf(args[1]);
        if (isUnknown(columns)) return undefined;
        const idx = this.addIndexSql(table!, columns, opts);
        const inverseOpts = new Map<string, RValue>();
        if (opts.has('algorithm')) inverseOpts.set('algorithm', opts.get('algorithm')!);
        return { sql: [idx.sql], inverse: [this.removeIndexSql(table!, idx.name, inverseOpts)] };
      }
      case 'remove_index': {
        if (!need(1)) return undefined;
        const r = this.removeIndex(table!, args[1] !== undefined ? valueOf(args[1]) : undefined, opts);
        if (!r.sql) return undefined;
        return { sql: [r.sql], ...(r.inverse ? { inverse: [r.inverse] } : { irreversible: r.irreversible }) };
      }
      case 'add_reference':
      case 'add_belongs_to': {
        if (!need(2)) return undefined;
        const r = this.reference(table!, a[1]!, opts);
        const sql = [`ALTER TABLE ${qt(table!)} ${r.columns.map((c) => `ADD ${c}`).join(', ')}`, ...r.indexes];
        if (r.fk) sql.push(`ALTER TABLE ${qt(table!)} ADD ${r.fk}`);
        return { sql, inverse: [`ALTER TABLE ${qt(table!)} ${r.names.map((n) => `DROP COLUMN ${q(n)}`).join(', ')}`] };
      }
      case 'remove_reference':
      case 'remove_belongs_to': {
        if (!need(2)) return undefined;
        const r = this.reference(table!, a[1]!, opts);
        const sql = [`ALTER TABLE ${qt(table!)} ${r.names.map((n) => `DROP COLUMN ${q(n)}`).join(', ')}`];
        const inverse = [`ALTER TABLE ${qt(table!)} ${r.columns.map((c) => `ADD ${c}`).join(', ')}`, ...r.indexes];
        if (r.fk) inverse.push(`ALTER TABLE ${qt(table!)} ADD ${r.fk}`);
        return { sql, inverse };
      }
      case 'add_timestamps':
        if (!need(1)) return undefined;
        return {
          sql: [`ALTER TABLE ${qt(table!)} ${this.timestamps(opts).map((c) => `ADD ${c}`).join(', ')}`],
          inverse: [`ALTER TABLE ${qt(table!)} DROP COLUMN "created_at", DROP COLUMN "updated_at"`],
        };
      case 'remove_timestamps':
        if (!need(1)) return undefined;
        return {
          sql: [`ALTER TABLE ${qt(table!)} DROP COLUMN "created_at", DROP COLUMN "updated_at"`],
          inverse: [`ALTER TABLE ${qt(table!)} ${this.timestamps(opts).map((c) => `ADD ${c}`).join(', ')}`],
        };
      case 'add_foreign_key': {
        if (!need(2)) return undefined;
        const fk = this.foreignKey(table!, a[1]!, opts);
        return {
          sql: [`ALTER TABLE ${qt(table!)} ADD ${fk.clause}${opts.get('validate') === false ? ' NOT VALID' : ''}`],
          inverse: [`ALTER TABLE ${qt(table!)} DROP CONSTRAINT ${q(fk.name)}`],
        };
      }
      case 'remove_foreign_key': {
        if (!need(1)) return undefined;
        const to = a[1] ?? str(opts.get('to_table'));
        const name = str(opts.get('name')) ?? (to || opts.has('column') ? this.foreignKey(table!, to ?? '', opts).name : undefined);
        if (!name) return undefined;
        const sql = [`ALTER TABLE ${qt(table!)} DROP CONSTRAINT ${opts.get('if_exists') === true ? 'IF EXISTS ' : ''}${q(name)}`];
        if (!to) return { sql, irreversible: 'remove_foreign_key is only reversible if given a second table' };
        return { sql, inverse: [`ALTER TABLE ${qt(table!)} ADD ${this.foreignKey(table!, to, opts).clause}`] };
      }
      case 'validate_foreign_key': {
        if (!need(1)) return undefined;
        const name = str(opts.get('name')) ?? (a[1] || opts.has('column') ? this.foreignKey(table!, a[1] ?? '', opts).name : undefined);
        if (!name) return undefined;
        // Reverting runs it again (CommandRecorder passes it through): nothing to undo.
        return { sql: [`ALTER TABLE ${qt(table!)} VALIDATE CONSTRAINT ${q(name)}`], inverse: [] };
      }
      case 'add_check_constraint': {
        if (!need(2)) return undefined;
        const name = str(opts.get('name')) ?? checkName(table!, a[1]!);
        return {
          sql: [`ALTER TABLE ${qt(table!)} ADD CONSTRAINT ${q(name)} CHECK (${a[1]})${opts.get('validate') === false ? ' NOT VALID' : ''}`],
          inverse: [`ALTER TABLE ${qt(table!)} DROP CONSTRAINT ${q(name)}`],
        };
      }
      case 'remove_check_constraint': {
        if (!need(1)) return undefined;
        const name = str(opts.get('name')) ?? (a[1] ? checkName(table!, a[1]) : undefined);
        if (!name) return undefined;
        const sql = [`ALTER TABLE ${qt(table!)} DROP CONSTRAINT ${opts.get('if_exists') === true ? 'IF EXISTS ' : ''}${q(name)}`];
        if (!a[1]) return { sql, irreversible: 'remove_check_constraint is only reversible if given an expression.' };
        return { sql, inverse: [`ALTER TABLE ${qt(table!)} ADD CONSTRAINT ${q(name)} CHECK (${a[1]})`] };
      }
      case 'validate_check_constraint': {
        if (!need(1)) return undefined;
        const name = str(opts.get('name')) ?? (a[1] ? checkName(table!, a[1]) : undefined);
        if (!name) return undefined;
        return { sql: [`ALTER TABLE ${qt(table!)} VALIDATE CONSTRAINT ${q(name)}`], inverse: [] };
      }
      case 'enable_extension':
        if (!need(1)) return undefined;
        return { sql: [`CREATE EXTENSION IF NOT EXISTS ${q(table!)}`], inverse: [`DROP EXTENSION IF EXISTS ${q(table!)} CASCADE`] };
      case 'disable_extension':
        if (!need(1)) return undefined;
        return { sql: [`DROP EXTENSION IF EXISTS ${q(table!)} CASCADE`], inverse: [`CREATE EXTENSION IF NOT EXISTS ${q(table!)}`] };
      case 'create_enum': {
        const values = list(valueOf(args[1]));
        if (!need(1) || !values.length) return undefined;
        return { sql: [`CREATE TYPE ${qt(table!)} AS ENUM (${values.map(lit).join(', ')})`], inverse: [`DROP TYPE ${qt(table!)}`] };
      }
      case 'drop_enum':
        if (!need(1)) return undefined;
        return { sql: [`DROP TYPE ${opts.get('if_exists') === true ? 'IF EXISTS ' : ''}${qt(table!)}`], irreversible: 'drop_enum is only reversible if given a list of enum values.' };
      case 'add_enum_value':
        if (!need(2)) return undefined;
        return { sql: [`ALTER TYPE ${qt(table!)} ADD VALUE ${lit(a[1]!)}`], irreversible: 'add_enum_value is not reversible.' };
      case 'change_column_comment':
      case 'change_table_comment': {
        const column = m === 'change_column_comment' ? a[1] : undefined;
        if (!need(1) || (m === 'change_column_comment' && !column)) return undefined;
        const value = opts.has('to') ? opts.get('to') : valueOf(args[m === 'change_column_comment' ? 2 : 1]);
        const text = typeof value === 'string' ? lit(value) : 'NULL';
        const target = column ? `COLUMN ${qt(table!)}.${q(column)}` : `TABLE ${qt(table!)}`;
        const sql = [`COMMENT ON ${target} IS ${text}`];
        if (!opts.has('from')) return { sql, irreversible: `${m} is only reversible if given a :from and :to option.` };
        const from = opts.get('from');
        return { sql, inverse: [`COMMENT ON ${target} IS ${typeof from === 'string' ? lit(from) : 'NULL'}`] };
      }
      case 'change_table': {
        if (!need(1)) return undefined;
        const sql: string[] = [];
        const inverse: string[] = [];
        let irreversible: string | undefined;
        this.tableBlock(
          call.block,
          table!,
          {
            add: (c) => sql.push(`ALTER TABLE ${qt(table!)} ADD ${c}`),
            constraint: (c) => sql.push(`ALTER TABLE ${qt(table!)} ADD ${c}`),
            after: (s) => sql.push(s),
            inverse: (s) => inverse.unshift(s),
            irreversible: (r) => (irreversible ??= r),
          },
          'change',
        );
        return irreversible ? { sql, irreversible } : { sql, inverse };
      }
      default:
        return undefined;
    }
  }
}

/** `create_join_table :artists, :music_albums` → `artists_music_albums` (Rails' derive_join_table_name, common prefix once). */
export function joinTableName(a: string, b: string): string {
  const [x, y] = [a, b].sort();
  const m = /^(.*_)(.+)\0\1(.+)$/.exec(`${x}\0${y}`);
  return m ? `${m[1]}${m[2]}_${m[3]}` : `${x}_${y}`;
}

export const isColumnType = (name: string): boolean => COLUMN_TYPES.has(name);
export { isSym };
