import { defineRule, isNullConstant, lockOnTable, nameParts, nodeBody, quoted, tableAlterCommands, volatileCall, type Origin, type VolatileCall } from './kit/index.js';

const SERIAL = new Set(['smallserial', 'serial', 'bigserial', 'serial2', 'serial4', 'serial8']);

/** Why the function counts as volatile, in words: known facts and assumptions read differently. */
function volatileWhy(call: VolatileCall, declared: Origin | undefined): string {
  switch (call.source) {
    case 'declared': {
      const by = declared && !declared.statement ? declared.migration : 'this migration';
      return `a function ${by} created VOLATILE (declared so, or by saying neither IMMUTABLE nor STABLE)`;
    }
    case 'assumed':
      return `a function neither built into PostgreSQL nor created by this or an earlier migration, so taken as VOLATILE (what CREATE FUNCTION gives unless it says IMMUTABLE or STABLE)`;
    case 'extension':
      return `a volatile function (from the ${call.extension} extension)`;
    default:
      return 'a volatile function';
  }
}

export default defineRule({
  id: 'no-add-column-rewrite',
  severity: 'error',
  summary: 'ADD COLUMN with a volatile DEFAULT, an identity/serial or a STORED generated column rewrites the table',
  docs: {
    why:
      'Since PostgreSQL 11, ADD COLUMN with a constant or STABLE default (0, \'draft\', now()) only records the ' +
      'default in the catalog. But when every existing row needs its own value the table is rewritten, row by row ' +
      'with all its indexes, under an ACCESS EXCLUSIVE lock: every query waits for the whole rewrite. That happens ' +
      'for a VOLATILE default (random(), gen_random_uuid(), clock_timestamp(), nextval()), for serial and identity ' +
      'columns (filled from a sequence), for GENERATED ... STORED columns (computed for each row), and before ' +
      'PostgreSQL 11 for any non-NULL default. Which built-in functions are volatile is read from PostgreSQL\'s own ' +
      'catalog; a function that is not built in, not from a common contrib extension and not created (or altered) ' +
      'IMMUTABLE or STABLE by this or an earlier migration linted with it is taken as VOLATILE, because that is ' +
      'what CREATE FUNCTION makes it unless it says IMMUTABLE or STABLE.',
    safe:
      'Add the column without the default (or with a constant one), backfill existing rows in batches, then ' +
      'ALTER COLUMN ... SET DEFAULT so new rows get it. For a generated value, backfill a plain column and keep it ' +
      'up to date with a trigger, or on PostgreSQL 18 use a VIRTUAL generated column. Tables created earlier in the ' +
      'same migration are empty and are not reported.',
    bad: 'ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();',
    good:
      'ALTER TABLE orders ADD COLUMN public_id uuid;\n' +
      'ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n' +
      '-- backfill in batches: UPDATE orders SET public_id = gen_random_uuid() WHERE id BETWEEN ... AND public_id IS NULL;',
  },
  check({ statements, report, createdBefore, schema, pgVersion }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation;
      const created = createdBefore(s);
      if (created.table(table?.relname)) continue;
      for (const cmd of tableAlterCommands(s)) {
        if (cmd.subtype !== 'AT_AddColumn') continue;
        const column = nodeBody(cmd.def, 'ColumnDef');
        if (!column) continue;
        const added = `column ${column.colname} is added to ${quoted(table)}`;
        const lock = lockOnTable(table, 'ACCESS EXCLUSIVE', 'rewrite');
        const rewrite = `so the table is rewritten under ACCESS EXCLUSIVE: blocks reads and writes for the whole rewrite`;
        const type = nameParts(column.typeName?.names).pop() ?? '';
        if (SERIAL.has(type)) {
          report(s, `${added} as ${type}: its nextval() default fills every row, ${rewrite}; add a plain column, backfill it in batches, then attach the sequence`, {
            location: column.typeName?.location ?? column.location,
            lock,
          });
          continue;
        }
        for (const c of column.constraints ?? []) {
          const con = nodeBody(c, 'Constraint');
          if (!con) continue;
          if (con.contype === 'CONSTR_IDENTITY') {
            report(s, `${added} as an identity column: every row gets a value from its sequence, ${rewrite}; add a plain column, backfill it, then ADD GENERATED ... AS IDENTITY`, {
              location: con.location,
              lock,
            });
          } else if (con.contype === 'CONSTR_GENERATED' && con.generated_kind !== 'v') {
            report(s, `${added} as GENERATED ... STORED: the value is computed and stored for every row, ${rewrite}; backfill a plain column instead${pgVersion >= 18 ? ', or make it VIRTUAL' : ''}`, {
              location: con.location,
              lock,
            });
          } else if (con.contype === 'CONSTR_DEFAULT' && !isNullConstant(con.raw_expr)) {
            const call = volatileCall(con.raw_expr, created);
            if (call) {
              const unsure = call.source === 'assumed' ? `; if ${call.name}() is IMMUTABLE or STABLE (created outside the migrations linted), disable this finding here` : '';
              const declared = call.source === 'declared' ? schema.before(s).function(call.name.split('.').pop()!, call.arity) : undefined;
              report(s, `${added} with DEFAULT ${call.name}(), ${volatileWhy(call, declared?.declared)}: every row gets its own value, ${rewrite}; add it without the default, SET DEFAULT, then backfill in batches${unsure}`, {
                location: call.location ?? con.location,
                lock,
              });
            } else if (pgVersion < 11) {
              report(s, `${added} with a DEFAULT: before PostgreSQL 11 every row is filled with it, ${rewrite}; add it without the default, SET DEFAULT, then backfill in batches`, {
                location: con.location,
                lock,
              });
            }
          }
        }
      }
    }
  },
});
