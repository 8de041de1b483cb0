import { defineRule, formatType, isUnboundedText, lockOnTable, nameParts, nodeBody, noRewriteSources, qualifiedName, sqlType, tableAlterCommands, typeChangeRewrites, unwrap, type SqlType } from './kit/index.js';

/** Whether a USING expression only hands the column's own value on: `col` or `col::newtype`. */
function keepsValues(using: unknown, column: string, target: SqlType): boolean {
  if (using === undefined || using === null) return true;
  let expr = unwrap(using);
  if (expr?.[0] === 'TypeCast') {
    const castTo = sqlType(expr[1].typeName);
    if (!castTo || formatType(castTo) !== formatType(target) || castTo.schema !== target.schema) return false;
    expr = unwrap(expr[1].arg);
  }
  if (expr?.[0] !== 'ColumnRef') return false;
  const parts = nameParts(expr[1].fields);
  return parts.length > 0 && parts[parts.length - 1] === column;
}

const sameCollation = (a: string[] | undefined, b: string[] | undefined) =>
  (a ?? []).join('.') === (b ?? []).join('.');

export default defineRule({
  id: 'no-rewriting-column-type-change',
  severity: 'error',
  summary: 'ALTER COLUMN ... TYPE that rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
  docs: {
    why:
      'Changing a column\'s type makes PostgreSQL rewrite every row of the table and rebuild every index on ' +
      'it, holding an ACCESS EXCLUSIVE lock the whole time: no query, not even a SELECT, can use the table ' +
      'until it finishes, which on a large table takes minutes to hours and needs disk space for a second ' +
      'copy. Exempt are the changes the server makes in the catalog alone, where the old type is binary ' +
      'coercible to the new one and USING (if any) keeps the values. The rule knows these: varchar(n) to ' +
      'varchar(m) with m >= n; varchar or text to text or unbounded varchar; numeric(p,s) to numeric(q,s) ' +
      'with q >= p, or to unconstrained numeric; varbit(n) to a longer or unbounded varbit, bit(n) to ' +
      'unbounded varbit; time, timetz, timestamp and timestamptz to the same type with no less precision; ' +
      'interval to plain interval, or to the same fields with no less precision; cidr to inet; xml to text. ' +
      'timestamp <-> timestamptz is catalog-only only when the session time zone is UTC, on PostgreSQL 12 ' +
      'or later. The rule cannot see the time zone, so it reports that change unless the rule option ' +
      'utcTimeZone says every migration session runs in UTC (config: "no-rewriting-column-type-change": ' +
      '["error", { "utcTimeZone": true }]); with that option, a change to full-precision timestamptz or ' +
      'timestamp whose current type is unknown is taken to be that swap. ' +
      'What can be decided statically: the rule needs the column\'s current type, and takes it from the schema ' +
      'model, the migrations linted replayed in their plan order (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE, ' +
      'renames). When the model knows it the rule decides exactly, and names the migration that gave the column ' +
      'its type; a table created earlier in the migration is empty and is not reported at all (a column ADDed ' +
      'to an existing table is: the ALTER still rewrites that table). When no migration linted says (the column ' +
      'comes from elsewhere): a change to text or unbounded varchar is assumed to widen a varchar/text column ' +
      'and is not reported (it does rewrite when the column was, say, integer or char(n)); any other target is ' +
      'reported, and the message says which current types would make it safe. A COLLATE that may differ from ' +
      'the column\'s collation makes the server rebuild the column\'s indexes, also under ACCESS EXCLUSIVE, and ' +
      'is reported.',
    safe:
      'Make the change in steps that never rewrite a live table: add a new column of the new type, write ' +
      'to both columns from the application (or a trigger), backfill the new column in batches, switch ' +
      'reads to it, then drop the old column in a later migration. For a length limit, prefer widening ' +
      'varchar (catalog-only) or moving the limit into a CHECK constraint added NOT VALID and validated ' +
      'separately. If the change is known to be binary coercible in your database, keep it and disable ' +
      'the rule for that statement with a comment that gives the reason.',
    bad: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);',
    good: 'ALTER TABLE orders ALTER COLUMN note TYPE text;',
  },
  optionsSchema: {
    type: 'object',
    properties: {
      utcTimeZone: {
        type: 'boolean',
        description:
          'The server runs with TimeZone UTC: timestamp → timestamptz (PostgreSQL 12+) is then not a rewrite. Default false.',
      },
    },
    additionalProperties: false,
  },
  check({ statements, report, createdBefore, schema, pgVersion, options }) {
    const opts = { pgVersion, utcTimeZone: options.utcTimeZone === true };
    for (const s of statements.of('AlterTableStmt')) {
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      const table = qualifiedName(s.node.relation);
      // A foreign table stores no rows here: nothing to rewrite, scan or lose.
      for (const c of tableAlterCommands(s, 'tables')) {
        if (c?.subtype !== 'AT_AlterColumnType') continue;
        const def = nodeBody(c.def, 'ColumnDef');
        const to = sqlType(def?.typeName);
        if (!def || !to) continue;
        const column = c.name as string;
        const where = `${table}.${column}`;
        const at = { location: def.location, lock: lockOnTable(s.node.relation, 'ACCESS EXCLUSIVE', 'rewrite') };
        const lock = 'rewrites the table and its indexes under an ACCESS EXCLUSIVE lock';
        if (!keepsValues(def.raw_default, column, to)) {
          report(s, `ALTER COLUMN ${where} TYPE ${formatType(to)} USING an expression that changes the values ${lock}`, at);
          continue;
        }
        // The column's type as the schema model knew it: from this migration or an earlier one.
        const known = schema.before(s).column(s.node.relation?.relname, column);
        const collation = nameParts(def.collClause?.collname);
        if (known?.type) {
          if (typeChangeRewrites(known.type, to, opts)) {
            const tz =
              ['timestamp', 'timestamptz'].includes(known.type.name) && ['timestamp', 'timestamptz'].includes(to.name) && known.type.name !== to.name
                ? ' (catalog-only only when the session time zone is UTC; set the rule option utcTimeZone if it always is)'
                : '';
            const added = known.added?.statement && !known.withTable ? ', a column this migration added to an existing table,' : '';
            const since = known.typeSince && !known.typeSince.statement ? ` (the column was ${formatType(known.type)} since ${known.typeSince.migration})` : '';
            report(s, `changing ${where}${added} from ${formatType(known.type)} to ${formatType(to)} ${lock}${tz}${since}`, at);
          } else if (collation.length && !sameCollation(known.collation, collation)) {
            report(s, `ALTER COLUMN ${where} TYPE ... COLLATE ${collation.join('.')} changes the collation: every index on the column is rebuilt under an ACCESS EXCLUSIVE lock`, at);
          }
          continue;
        }
        // With the time zone known to be UTC, a change to full-precision timestamp(tz) is taken to be the swap.
        const tzSwap = opts.utcTimeZone && pgVersion >= 12 && !to.array && to.builtin && ['timestamp', 'timestamptz'].includes(to.name) && to.mods.length === 0;
        if (isUnboundedText(to) || tzSwap) {
          if (collation.length) {
            report(s, `ALTER COLUMN ${where} TYPE ... COLLATE ${collation.join('.')} may change the collation: every index on the column is then rebuilt under an ACCESS EXCLUSIVE lock`, at);
          }
          continue;
        }
        const sources = noRewriteSources(to, opts);
        const unless = sources ? ` unless its current type is ${sources}` : '';
        report(s, `changing ${where} to ${formatType(to)} ${lock}${unless} (the current type is not in the migrations linted)`, at);
      }
    }
  },
});
