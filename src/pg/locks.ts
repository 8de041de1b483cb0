/**
 * The table-level locks a statement takes, after the PostgreSQL documentation
 * ("Explicit Locking", and the notes of ALTER TABLE, REINDEX, ALTER DOMAIN, ...).
 *
 * `locksFor(stmt)` lists every relation a statement locks, with the mode;
 * `lockFor(stmt)` is the strongest of those; `describeLock(lock)` words it for a
 * message: `takes ACCESS EXCLUSIVE on "orders": blocks reads and writes`.
 *
 * An ALTER TABLE takes the strongest lock any of its subcommands needs
 * (`alterTableCmdLock` gives one subcommand's). Locks are held until the end of the
 * transaction, which is why the transaction a statement runs in matters as much as
 * the statement.
 */
import { hasOption, nameParts, qualifiedName } from './ast.js';
import { DEFAULT_PG_VERSION } from './version.js';

export type LockLevel =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** Weakest first; `LockStmt.mode` is the index + 1. */
const LOCK_LEVELS: readonly LockLevel[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

/** The conflict table of "Explicit Locking" (Table 13.2), by level. */
const CONFLICTS: Record<LockLevel, readonly LockLevel[]> = {
  'ACCESS SHARE': ['ACCESS EXCLUSIVE'],
  'ROW SHARE': ['EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ROW EXCLUSIVE': ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE UPDATE EXCLUSIVE': ['SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  SHARE: ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE ROW EXCLUSIVE': ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  EXCLUSIVE: ['ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ACCESS EXCLUSIVE': LOCK_LEVELS,
};

export function conflicts(a: LockLevel, b: LockLevel): boolean {
  return CONFLICTS[a].includes(b);
}

export function lockRank(level: LockLevel): number {
  return LOCK_LEVELS.indexOf(level);
}

/** Plain SELECTs wait (ACCESS SHARE conflicts with it). */
export const blocksReads = (level: LockLevel) => level === 'ACCESS EXCLUSIVE';
/** INSERT, UPDATE, DELETE wait (ROW EXCLUSIVE conflicts with it). */
export const blocksWrites = (level: LockLevel) => conflicts(level, 'ROW EXCLUSIVE');

/** What ordinary traffic a level makes wait, in words. */
function blockedBy(level: LockLevel): string {
  if (blocksReads(level)) return 'reads and writes';
  if (blocksWrites(level)) return 'writes';
  if (level === 'SHARE UPDATE EXCLUSIVE') return 'other schema changes and VACUUM (not reads or writes)';
  if (level === 'ROW EXCLUSIVE') return 'index builds and other SHARE locks (not reads or writes)';
  return 'only ACCESS EXCLUSIVE or EXCLUSIVE locks';
}

export type RelationKind = 'table' | 'index' | 'materialized view' | 'view' | 'sequence' | 'domain';

export interface TableLock {
  level: LockLevel;
  /** The relation's name as written, schema-qualified when the SQL qualifies it. */
  table: string;
  /** The bare name (what `createdBefore(...).table()` compares). */
  relname: string;
  kind: RelationKind;
  /**
   * The lock is on the table an index belongs to, known only by the index's name
   * (DROP INDEX, REINDEX INDEX); `table` is then the index name.
   */
  viaIndex?: boolean;
  /** What the lock makes wait, in words. */
  blocks: string;
  /** What takes it: `ADD COLUMN`, `CREATE INDEX`, `VALIDATE CONSTRAINT`, ... */
  reason: string;
  /** Parser location to point a finding at, when the statement has one for this relation. */
  location?: number;
}

/** `takes ACCESS EXCLUSIVE on "orders": blocks reads and writes`. */
export function describeLock(lock: TableLock): string {
  const on = lock.viaIndex
    ? `the table of index "${lock.table}"`
    : lock.kind === 'table'
      ? `"${lock.table}"`
      : `${lock.kind} "${lock.table}"`;
  return `takes ${lock.level} on ${on}: blocks ${lock.blocks}`;
}

interface RangeVarLike {
  relname?: string;
  schemaname?: string;
  location?: number;
}

function lockOn(rv: RangeVarLike | undefined, level: LockLevel, reason: string, kind: RelationKind = 'table', blocks?: string): TableLock | undefined {
  if (!rv?.relname) return undefined;
  return {
    level,
    table: qualifiedName(rv),
    relname: rv.relname,
    kind,
    blocks: blocks ?? blockedBy(level),
    reason,
    ...(rv.location !== undefined && rv.location >= 0 ? { location: rv.location } : {}),
  };
}

function lockOnName(parts: string[], level: LockLevel, reason: string, kind: RelationKind, extra: Partial<TableLock> = {}): TableLock | undefined {
  if (parts.length === 0) return undefined;
  const relname = parts[parts.length - 1];
  return { level, table: parts.join('.'), relname, kind, blocks: blockedBy(level), reason, ...extra };
}

/** Table storage parameters whose change needs only SHARE UPDATE EXCLUSIVE (ALTER TABLE ... SET (...)). */
function lightRelOption(name: string): boolean {
  const n = name.replace(/^toast\./, '');
  return n === 'fillfactor' || n === 'parallel_workers' || n.startsWith('autovacuum_') || n === 'toast_tuple_target' || n.startsWith('vacuum_');
}

const AT_WORDS: Record<string, string> = {
  AT_AddColumn: 'ADD COLUMN',
  AT_ColumnDefault: 'ALTER COLUMN SET/DROP DEFAULT',
  AT_DropNotNull: 'ALTER COLUMN DROP NOT NULL',
  AT_SetNotNull: 'ALTER COLUMN SET NOT NULL',
  AT_SetExpression: 'ALTER COLUMN SET EXPRESSION',
  AT_DropExpression: 'ALTER COLUMN DROP EXPRESSION',
  AT_SetStatistics: 'ALTER COLUMN SET STATISTICS',
  AT_SetOptions: 'ALTER COLUMN SET (...)',
  AT_ResetOptions: 'ALTER COLUMN RESET (...)',
  AT_SetStorage: 'ALTER COLUMN SET STORAGE',
  AT_SetCompression: 'ALTER COLUMN SET COMPRESSION',
  AT_DropColumn: 'DROP COLUMN',
  AT_AddConstraint: 'ADD CONSTRAINT',
  AT_AlterConstraint: 'ALTER CONSTRAINT',
  AT_ValidateConstraint: 'VALIDATE CONSTRAINT',
  AT_AddIndexConstraint: 'ADD CONSTRAINT ... USING INDEX',
  AT_DropConstraint: 'DROP CONSTRAINT',
  AT_AlterColumnType: 'ALTER COLUMN TYPE',
  AT_ChangeOwner: 'OWNER TO',
  AT_ClusterOn: 'CLUSTER ON',
  AT_DropCluster: 'SET WITHOUT CLUSTER',
  AT_SetLogged: 'SET LOGGED',
  AT_SetUnLogged: 'SET UNLOGGED',
  AT_SetAccessMethod: 'SET ACCESS METHOD',
  AT_SetTableSpace: 'SET TABLESPACE',
  AT_SetRelOptions: 'SET (...)',
  AT_ResetRelOptions: 'RESET (...)',
  AT_ReplicaIdentity: 'REPLICA IDENTITY',
  AT_AttachPartition: 'ATTACH PARTITION',
  AT_DetachPartition: 'DETACH PARTITION',
  AT_DetachPartitionFinalize: 'DETACH PARTITION ... FINALIZE',
  AT_AddIdentity: 'ADD GENERATED AS IDENTITY',
  AT_SetIdentity: 'ALTER COLUMN SET (identity)',
  AT_DropIdentity: 'DROP IDENTITY',
  AT_AddInherit: 'INHERIT',
  AT_DropInherit: 'NO INHERIT',
  AT_EnableRowSecurity: 'ENABLE ROW LEVEL SECURITY',
  AT_DisableRowSecurity: 'DISABLE ROW LEVEL SECURITY',
  AT_ForceRowSecurity: 'FORCE ROW LEVEL SECURITY',
  AT_NoForceRowSecurity: 'NO FORCE ROW LEVEL SECURITY',
};

const TRIGGER_CMDS = new Set([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

/** The words for one ALTER TABLE subcommand (`ADD COLUMN`, `VALIDATE CONSTRAINT`, ...). */
function alterTableCmdWords(cmd: any): string {
  if (cmd?.subtype === 'AT_AddConstraint') {
    const type = cmd.def?.Constraint?.contype;
    const words: Record<string, string> = {
      CONSTR_FOREIGN: 'ADD FOREIGN KEY',
      CONSTR_CHECK: 'ADD CHECK',
      CONSTR_PRIMARY: 'ADD PRIMARY KEY',
      CONSTR_UNIQUE: 'ADD UNIQUE',
      CONSTR_EXCLUSION: 'ADD EXCLUDE',
      CONSTR_NOTNULL: 'ADD NOT NULL',
    };
    return words[type] ?? 'ADD CONSTRAINT';
  }
  if (TRIGGER_CMDS.has(cmd?.subtype)) return 'ENABLE/DISABLE TRIGGER';
  return AT_WORDS[cmd?.subtype] ?? 'ALTER TABLE';
}

/**
 * The lock one ALTER TABLE subcommand takes on the altered table (ACCESS EXCLUSIVE
 * unless the documentation says otherwise).
 */
function alterTableCmdLock(cmd: any): LockLevel {
  switch (cmd?.subtype) {
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_ValidateConstraint':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
    case 'AT_AttachPartition':
    case 'AT_DetachPartitionFinalize':
      return 'SHARE UPDATE EXCLUSIVE';
    case 'AT_DetachPartition':
      return cmd.def?.PartitionCmd?.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions': {
      const names = (cmd.def?.List?.items ?? cmd.def ?? []).map?.((d: any) => {
        const e = d?.DefElem;
        return e ? (e.defnamespace ? `${e.defnamespace}.${e.defname}` : e.defname) : '';
      }) ?? [];
      return names.length > 0 && names.every((n: string) => lightRelOption(n)) ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    }
    case 'AT_AddConstraint':
      return cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    default:
      return TRIGGER_CMDS.has(cmd?.subtype) ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  }
}

const DROP_KINDS: Record<string, RelationKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_SEQUENCE: 'sequence',
};

const ALTER_KINDS: Record<string, RelationKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_SEQUENCE: 'sequence',
};

interface StatementLike {
  kind: string;
  node: any;
}

type Found = (TableLock | undefined)[];

/** The locks one kind of statement takes, given its node (and the target version, for the few that changed). */
type LockRule = (n: any, pgVersion: number, kind: string) => Found;

function alterTableLocks(n: any): Found {
  const out: Found = [];
  const kind = ALTER_KINDS[n.objtype ?? 'OBJECT_TABLE'] ?? 'table';
  for (const c of n.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    if (!cmd) continue;
    const level = alterTableCmdLock(cmd);
    const words = alterTableCmdWords(cmd);
    out.push(lockOn(n.relation, level, words, kind));
    const con = cmd.def?.Constraint;
    if (cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_FOREIGN') {
      out.push(lockOn(con.pktable, 'SHARE ROW EXCLUSIVE', words));
    }
    if (cmd.subtype === 'AT_AddColumn') {
      for (const cc of cmd.def?.ColumnDef?.constraints ?? []) {
        if (cc.Constraint?.contype === 'CONSTR_FOREIGN') out.push(lockOn(cc.Constraint.pktable, 'SHARE ROW EXCLUSIVE', 'ADD COLUMN ... REFERENCES'));
      }
    }
    const part = cmd.def?.PartitionCmd;
    if (cmd.subtype === 'AT_AttachPartition') out.push(lockOn(part?.name, 'ACCESS EXCLUSIVE', words));
    if (cmd.subtype === 'AT_DetachPartition') out.push(lockOn(part?.name, part?.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', words));
  }
  return out;
}

/** A new table locks the tables its foreign keys reference, and the parent it is a partition of. */
function createTableLocks(n: any): Found {
  const out: Found = [];
  const fks = [
    ...(n.constraints ?? []),
    ...(n.tableElts ?? []).flatMap((e: any) => (e.Constraint ? [e] : (e.ColumnDef?.constraints ?? []))),
  ];
  for (const c of fks) {
    const con = c.Constraint;
    if (con?.contype === 'CONSTR_FOREIGN' && con.pktable?.relname !== n.relation?.relname) {
      out.push(lockOn(con.pktable, 'SHARE ROW EXCLUSIVE', 'CREATE TABLE ... REFERENCES'));
    }
  }
  if (n.partbound) for (const p of n.inhRelations ?? []) out.push(lockOn(p.RangeVar, 'ACCESS EXCLUSIVE', 'CREATE TABLE ... PARTITION OF'));
  return out;
}

function dropLocks(n: any): Found {
  const objects: any[] = n.objects ?? [];
  if (n.removeType === 'OBJECT_INDEX') {
    const level: LockLevel = n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    return objects.map((o) => lockOnName(nameParts(o.List?.items), level, n.concurrent ? 'DROP INDEX CONCURRENTLY' : 'DROP INDEX', 'index', { viaIndex: true }));
  }
  if (DROP_KINDS[n.removeType]) return objects.map((o) => lockOnName(nameParts(o.List?.items), 'ACCESS EXCLUSIVE', 'DROP', DROP_KINDS[n.removeType]));
  if (n.removeType === 'OBJECT_TRIGGER' || n.removeType === 'OBJECT_POLICY' || n.removeType === 'OBJECT_RULE') {
    // DROP TRIGGER t ON tbl: the name list is [...table, trigger].
    return objects.map((o) => lockOnName(nameParts(o.List?.items).slice(0, -1), 'ACCESS EXCLUSIVE', `DROP ${n.removeType.slice(7)}`, 'table'));
  }
  return [];
}

function reindexLocks(n: any): Found {
  const concurrent = hasOption(n.params, 'concurrently');
  if (n.kind === 'REINDEX_OBJECT_INDEX') {
    return [
      concurrent
        ? lockOn(n.relation, 'SHARE UPDATE EXCLUSIVE', 'REINDEX CONCURRENTLY', 'index')
        : lockOn(n.relation, 'ACCESS EXCLUSIVE', 'REINDEX', 'index', 'writes to its table, and reads that use the index'),
    ];
  }
  if (n.kind === 'REINDEX_OBJECT_TABLE') {
    return [
      concurrent
        ? lockOn(n.relation, 'SHARE UPDATE EXCLUSIVE', 'REINDEX CONCURRENTLY')
        : lockOn(n.relation, 'ACCESS EXCLUSIVE', 'REINDEX', 'table', 'writes, and reads that use any of its indexes'),
    ];
  }
  return [];
}

function vacuumLocks(n: any): Found {
  const full = n.is_vacuumcmd && hasOption(n.options, 'full');
  const words = full ? 'VACUUM FULL' : n.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
  return (n.rels ?? []).map((r: any) => lockOn(r.VacuumRelation?.relation, full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE', words));
}

function renameLocks(n: any, pgVersion: number): Found {
  const kind = ALTER_KINDS[n.renameType] ?? (n.renameType === 'OBJECT_COLUMN' || n.renameType === 'OBJECT_TABCONSTRAINT' ? 'table' : undefined);
  if (!kind || !n.relation) return [];
  // ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE since PostgreSQL 12.
  const level: LockLevel = n.renameType === 'OBJECT_INDEX' && pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  return [lockOn(n.relation, level, 'RENAME', kind)];
}

function commentLocks(n: any): Found {
  if (n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_COLUMN') return [];
  const parts = nameParts(n.object?.List?.items);
  return [lockOnName(n.objtype === 'OBJECT_COLUMN' ? parts.slice(0, -1) : parts, 'SHARE UPDATE EXCLUSIVE', 'COMMENT ON', 'table')];
}

/** Checking a new domain constraint reads every column of the domain, in every table, under SHARE. */
function alterDomainLocks(n: any): Found {
  if (!((n.subtype === 'C' && !n.def?.Constraint?.skip_validation) || n.subtype === 'O')) return [];
  const words = n.subtype === 'O' ? 'ALTER DOMAIN SET NOT NULL' : 'ALTER DOMAIN ADD CONSTRAINT';
  return [lockOnName(nameParts(n.typeName), 'SHARE', words, 'domain', { blocks: 'writes to every table with a column of this domain' })];
}

const rowWrite: LockRule = (n, _v, kind) => [lockOn(n.relation, 'ROW EXCLUSIVE', kind.replace(/Stmt$/, '').toUpperCase())];
const each = (list: any[] | undefined, lock: (r: any) => TableLock | undefined): Found => (list ?? []).map(lock);

/** The locks each kind of statement takes; a kind not listed locks no existing relation worth reporting. */
const LOCK_RULES: Record<string, LockRule> = {
  AlterTableStmt: alterTableLocks,
  IndexStmt: (n) => [
    n.concurrent
      ? lockOn(n.relation, 'SHARE UPDATE EXCLUSIVE', 'CREATE INDEX CONCURRENTLY')
      : lockOn(n.relation, 'SHARE', n.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX'),
  ],
  CreateStmt: createTableLocks,
  DropStmt: dropLocks,
  TruncateStmt: (n) => each(n.relations, (r) => lockOn(r.RangeVar, 'ACCESS EXCLUSIVE', 'TRUNCATE')),
  ReindexStmt: reindexLocks,
  ClusterStmt: (n) => [lockOn(n.relation, 'ACCESS EXCLUSIVE', 'CLUSTER')],
  VacuumStmt: vacuumLocks,
  RefreshMatViewStmt: (n) => [
    n.concurrent
      ? lockOn(n.relation, 'EXCLUSIVE', 'REFRESH MATERIALIZED VIEW CONCURRENTLY', 'materialized view', 'writes (reads go on)')
      : lockOn(n.relation, 'ACCESS EXCLUSIVE', 'REFRESH MATERIALIZED VIEW', 'materialized view', 'reads'),
  ],
  LockStmt: (n) => {
    const level = LOCK_LEVELS[(n.mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
    return each(n.relations, (r) => lockOn(r.RangeVar, level, 'LOCK TABLE'));
  },
  CreateTrigStmt: (n) => [lockOn(n.relation, 'SHARE ROW EXCLUSIVE', 'CREATE TRIGGER')],
  CreatePolicyStmt: (n) => [lockOn(n.table, 'ACCESS EXCLUSIVE', 'CREATE POLICY')],
  AlterPolicyStmt: (n) => [lockOn(n.table, 'ACCESS EXCLUSIVE', 'ALTER POLICY')],
  RuleStmt: (n) => [lockOn(n.relation, 'ACCESS EXCLUSIVE', 'CREATE RULE')],
  RenameStmt: renameLocks,
  AlterObjectSchemaStmt: (n) => (ALTER_KINDS[n.objectType] && n.relation ? [lockOn(n.relation, 'ACCESS EXCLUSIVE', 'SET SCHEMA', ALTER_KINDS[n.objectType])] : []),
  ViewStmt: (n) => (n.replace ? [lockOn(n.view, 'ACCESS EXCLUSIVE', 'CREATE OR REPLACE VIEW', 'view')] : []),
  CommentStmt: commentLocks,
  CreateStatsStmt: (n) => each(n.relations, (r) => lockOn(r.RangeVar, 'SHARE UPDATE EXCLUSIVE', 'CREATE STATISTICS')),
  AlterDomainStmt: alterDomainLocks,
  InsertStmt: rowWrite,
  UpdateStmt: rowWrite,
  DeleteStmt: rowWrite,
  MergeStmt: rowWrite,
};

/**
 * Every table-level lock the statement takes, one per relation (the strongest when a
 * relation is locked twice). Empty for statements that lock no existing relation in a
 * way worth reporting (SELECT, CREATE TABLE without foreign keys, ...).
 * `pgVersion` matters for the few locks that changed between versions.
 */
export function locksFor(stmt: StatementLike, pgVersion = DEFAULT_PG_VERSION): TableLock[] {
  const rule = stmt.node ? LOCK_RULES[stmt.kind] : undefined;
  if (!rule) return [];
  return strongestPerRelation(rule(stmt.node, pgVersion, stmt.kind).filter((l): l is TableLock => l !== undefined));
}

function strongestPerRelation(locks: TableLock[]): TableLock[] {
  // Nearly every statement locks at most one relation once: nothing to merge.
  if (locks.length < 2) return locks;
  const byName = new Map<string, TableLock>();
  for (const l of locks) {
    const key = `${l.viaIndex ? 'index:' : ''}${l.kind}:${l.table}`;
    const had = byName.get(key);
    if (!had || lockRank(l.level) > lockRank(had.level)) byName.set(key, had ? { ...l, location: l.location ?? had.location } : l);
  }
  return [...byName.values()];
}

/** The strongest lock the statement takes (the first relation's on a tie). */
export function lockFor(stmt: StatementLike, pgVersion = DEFAULT_PG_VERSION): TableLock | undefined {
  let best: TableLock | undefined;
  for (const l of locksFor(stmt, pgVersion)) if (!best || lockRank(l.level) > lockRank(best.level)) best = l;
  return best;
}
