import { defineRule, findNodes, nameParts, nodeBody, quoted, tableAlterCommands } from './kit/index.js';

/** Built-in (and common extension) functions that are VOLATILE: a different value per row. */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
]);

const SERIAL = new Set(['smallserial', 'serial', 'bigserial', 'serial2', 'serial4', 'serial8']);

/** The first volatile function called in an expression, by name. */
function volatileCall(expr: unknown): { name: string; location?: number } | undefined {
  for (const call of findNodes(expr, 'FuncCall')) {
    const name = nameParts(call.funcname).pop();
    if (name && VOLATILE.has(name)) return { name, location: call.location };
  }
  return undefined;
}

const isNullConst = (expr: any) => expr?.A_Const?.isnull === true;

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
      'PostgreSQL 11 for any non-NULL default. Functions the rule does not know are assumed not to be volatile.',
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
  check({ statements, report, createdBefore, pgVersion }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation;
      if (createdBefore(s).table(table?.relname)) continue;
      for (const cmd of tableAlterCommands(s)) {
        if (cmd.subtype !== 'AT_AddColumn') continue;
        const column = nodeBody(cmd.def, 'ColumnDef');
        if (!column) continue;
        const added = `column ${column.colname} is added to ${quoted(table)}`;
        const rewrite = `so the table is rewritten under ACCESS EXCLUSIVE: blocks reads and writes for the whole rewrite`;
        const type = nameParts(column.typeName?.names).pop() ?? '';
        if (SERIAL.has(type)) {
          report(s, `${added} as ${type}: its nextval() default fills every row, ${rewrite}; add a plain column, backfill it in batches, then attach the sequence`, {
            location: column.typeName?.location ?? column.location,
          });
          continue;
        }
        for (const c of column.constraints ?? []) {
          const con = nodeBody(c, 'Constraint');
          if (!con) continue;
          if (con.contype === 'CONSTR_IDENTITY') {
            report(s, `${added} as an identity column: every row gets a value from its sequence, ${rewrite}; add a plain column, backfill it, then ADD GENERATED ... AS IDENTITY`, {
              location: con.location,
            });
          } else if (con.contype === 'CONSTR_GENERATED' && con.generated_kind !== 'v') {
            report(s, `${added} as GENERATED ... STORED: the value is computed and stored for every row, ${rewrite}; backfill a plain column instead${pgVersion >= 18 ? ', or make it VIRTUAL' : ''}`, {
              location: con.location,
            });
          } else if (con.contype === 'CONSTR_DEFAULT' && !isNullConst(con.raw_expr)) {
            const call = volatileCall(con.raw_expr);
            if (call) {
              report(s, `${added} with DEFAULT ${call.name}(), a volatile function: every row gets its own value, ${rewrite}; add it without the default, SET DEFAULT, then backfill in batches`, {
                location: call.location ?? con.location,
              });
            } else if (pgVersion < 11) {
              report(s, `${added} with a DEFAULT: before PostgreSQL 11 every row is filled with it, ${rewrite}; add it without the default, SET DEFAULT, then backfill in batches`, {
                location: con.location,
              });
            }
          }
        }
      }
    }
  },
});
