import { blocksWrites, defineRule, describeLock, lockRank, locksFor, nameParts, type Statement, type TableLock, type Transaction } from './kit/index.js';

interface Setting {
  name: string;
  /** False for 0, DEFAULT and RESET: the timeout is off again. */
  on: boolean;
  local: boolean;
}

/** A value that turns a timeout off: 0, '0', '0s', '0ms', ... */
function isZero(arg: any): boolean {
  const c = arg?.A_Const;
  if (!c) return false;
  if (c.ival !== undefined) return (c.ival.ival ?? 0) === 0;
  if (c.sval !== undefined) return /^\s*0+\s*[a-z]*\s*$/i.test(c.sval.sval ?? '');
  return false;
}

/** The timeout settings a statement changes: SET, SET LOCAL, RESET, RESET ALL, set_config(). */
function settingsChanged(s: Statement): Setting[] {
  if (s.kind === 'VariableSetStmt') {
    const n = s.node;
    if (n.kind === 'VAR_RESET_ALL') return ['lock_timeout', 'statement_timeout'].map((name) => ({ name, on: false, local: false }));
    if (!n.name) return [];
    const on = n.kind === 'VAR_SET_VALUE' && !(n.args ?? []).every(isZero);
    return [{ name: String(n.name).toLowerCase(), on, local: !!n.is_local }];
  }
  if (s.kind === 'SelectStmt') {
    const out: Setting[] = [];
    for (const t of s.node.targetList ?? []) {
      const call = t.ResTarget?.val?.FuncCall;
      if (!call || nameParts(call.funcname).pop() !== 'set_config') continue;
      const [name, value, local] = call.args ?? [];
      const setting = name?.A_Const?.sval?.sval;
      if (typeof setting !== 'string') continue;
      out.push({ name: setting.toLowerCase(), on: !isZero(value), local: local?.A_Const?.boolval?.boolval === true });
    }
    return out;
  }
  return [];
}

export default defineRule({
  id: 'require-lock-timeout',
  severity: 'warn',
  // Many teams set lock_timeout for the migration role or connection instead; off by default to keep the signal clean.
  presets: { recommended: 'off', strict: 'warn' },
  summary: 'A statement that blocks writes or reads runs with no SET lock_timeout before it',
  docs: {
    why:
      'A statement that needs a strong lock (ACCESS EXCLUSIVE for most ALTER TABLE forms, SHARE for CREATE ' +
      'INDEX, SHARE ROW EXCLUSIVE for foreign keys, ...) first waits for every transaction already using the ' +
      'table, for instance a long report. While it waits in the lock queue, every new query on the table queues ' +
      'behind it, even ones that would not conflict with the running transaction: a change that takes a ' +
      'millisecond turns into an outage as long as the longest running query. lock_timeout bounds that wait: ' +
      'the statement fails instead of holding everyone up, and the migration can be retried. statement_timeout ' +
      'alone is not enough: it also bounds the statement\'s own work (a validation, an index build), so it can ' +
      'never be as short as a lock wait should be.',
    safe:
      "Start the migration with SET lock_timeout = '5s' (or SET LOCAL inside the transaction; a few seconds is " +
      'typical) and retry the migration when it times out. Setting it for the migration role (ALTER ROLE ... SET ' +
      'lock_timeout) works too; then disable this rule in the configuration. Statements on tables created earlier ' +
      'in the same migration are not reported. Reported once per section, at the first unprotected statement.',
    bad: 'ALTER TABLE orders ADD COLUMN note text;',
    good: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
  },
  check({ statements, report, createdBefore, transactionOf, pgVersion }) {
    let session = false;
    let local: Transaction | 'unknown' | undefined;
    let statementTimeout = false;
    const unprotected: { stmt: Statement; lock: TableLock }[] = [];
    for (const s of statements) {
      for (const set of settingsChanged(s)) {
        if (set.name === 'statement_timeout') statementTimeout = set.on;
        if (set.name !== 'lock_timeout') continue;
        if (set.local) local = set.on ? (transactionOf(s) ?? 'unknown') : undefined;
        else {
          session = set.on;
          if (!set.on) local = undefined;
        }
      }
      if (session || (local !== undefined && (local === 'unknown' || transactionOf(s) === local))) continue;
      const created = createdBefore(s);
      let strongest: TableLock | undefined;
      for (const lock of locksFor(s, pgVersion)) {
        if (!blocksWrites(lock.level)) continue;
        const isNew = lock.viaIndex ? created.index(lock.relname) : lock.kind === 'domain' ? created.type(lock.relname) : created.table(lock.relname);
        if (isNew) continue;
        if (!strongest || lockRank(lock.level) > lockRank(strongest.level)) strongest = lock;
      }
      if (strongest) unprotected.push({ stmt: s, lock: strongest });
    }
    if (unprotected.length === 0) return;
    const { stmt, lock } = unprotected[0];
    const more = unprotected.length > 1 ? ` (nor before ${unprotected.length - 1} later statement${unprotected.length > 2 ? 's' : ''} that lock tables)` : '';
    const alone = statementTimeout ? '; statement_timeout alone cannot be as short as a lock wait should be' : '';
    report(
      stmt,
      `${lock.reason} ${describeLock(lock)}; no SET lock_timeout runs before it${more}, so while it waits behind a long query ` +
        `every new query on the table queues behind it${alone}; SET lock_timeout at the start of the migration`,
      { location: lock.location },
    );
  },
});
