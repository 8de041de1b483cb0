import { codeTokens, defineRule, guardFix, insertAfterToken, nameParts, nodeBody, tableAlterCommands, tokenIndexAt, type Fix, type Statement } from './kit/index.js';

interface Guard {
  /** The statement as words: `CREATE TABLE orders`. */
  what: string;
  /** The guard to add: `IF NOT EXISTS`, `IF EXISTS`, `OR REPLACE`. */
  guard: string;
  /** Built only for a guard that is reported: it runs the scanner over the statement. */
  fix?: () => Fix | undefined;
  /** The table it works on, to skip tables created earlier in the migration. */
  table?: string;
}

const DROP_WORDS: Record<string, [string, string]> = {
  OBJECT_TABLE: ['TABLE', 'TABLE'],
  OBJECT_FOREIGN_TABLE: ['TABLE', 'FOREIGN TABLE'],
  OBJECT_INDEX: ['INDEX', 'INDEX'],
  OBJECT_VIEW: ['VIEW', 'VIEW'],
  OBJECT_MATVIEW: ['VIEW', 'MATERIALIZED VIEW'],
  OBJECT_SEQUENCE: ['SEQUENCE', 'SEQUENCE'],
  OBJECT_TYPE: ['TYPE', 'TYPE'],
  OBJECT_DOMAIN: ['DOMAIN', 'DOMAIN'],
  OBJECT_SCHEMA: ['SCHEMA', 'SCHEMA'],
  OBJECT_EXTENSION: ['EXTENSION', 'EXTENSION'],
  OBJECT_FUNCTION: ['FUNCTION', 'FUNCTION'],
  OBJECT_PROCEDURE: ['PROCEDURE', 'PROCEDURE'],
  OBJECT_TRIGGER: ['TRIGGER', 'TRIGGER'],
  OBJECT_POLICY: ['POLICY', 'POLICY'],
};

function droppedName(o: any): string {
  if (o.List) return nameParts(o.List.items).join('.');
  if (o.ObjectWithArgs) return nameParts(o.ObjectWithArgs.objname).join('.');
  if (o.TypeName) return nameParts(o.TypeName.names).join('.');
  if (o.String) return o.String.sval;
  return '';
}

/** What makes the statement fail when run a second time, and the guard that prevents it. */
function guardsFor(s: Statement, source: string | undefined, pgVersion: number): Guard[] {
  const n = s.node;
  const ifNotExists = (word: string, what: string, table?: string): Guard[] => [
    { what, guard: 'IF NOT EXISTS', table, fix: () => guardFix(s, word, ' IF NOT EXISTS', source) },
  ];
  const orReplace = (what: string): Guard[] => [{ what, guard: 'OR REPLACE', fix: () => guardFix(s, 'CREATE', ' OR REPLACE', source) }];
  switch (s.kind) {
    case 'CreateStmt':
      if (n.if_not_exists || n.relation?.relpersistence === 't') return [];
      return ifNotExists('TABLE', `CREATE TABLE ${n.relation?.relname}`);
    case 'IndexStmt':
      // An unnamed index does not fail on a second run (it creates a duplicate): left out.
      // CONCURRENTLY needs another guard than IF NOT EXISTS (a failed build leaves an INVALID
      // index that IF NOT EXISTS would keep): require-rerunnable-concurrent-index says which.
      if (n.if_not_exists || !n.idxname || n.concurrent) return [];
      return ifNotExists('INDEX', `CREATE INDEX ${n.idxname}`, n.relation?.relname);
    case 'CreateSeqStmt':
      return n.if_not_exists ? [] : ifNotExists('SEQUENCE', `CREATE SEQUENCE ${n.sequence?.relname}`);
    case 'CreateSchemaStmt':
      return n.if_not_exists ? [] : ifNotExists('SCHEMA', `CREATE SCHEMA ${n.schemaname ?? ''}`.trim());
    case 'CreateExtensionStmt':
      return n.if_not_exists ? [] : ifNotExists('EXTENSION', `CREATE EXTENSION ${n.extname}`);
    case 'CreateTableAsStmt':
      if (n.if_not_exists) return [];
      return n.objtype === 'OBJECT_MATVIEW'
        ? ifNotExists('VIEW', `CREATE MATERIALIZED VIEW ${n.into?.rel?.relname}`)
        : ifNotExists('TABLE', `CREATE TABLE ${n.into?.rel?.relname} AS`);
    case 'ViewStmt':
      return n.replace ? [] : orReplace(`CREATE VIEW ${n.view?.relname}`);
    case 'CreateFunctionStmt':
      return n.replace ? [] : orReplace(`CREATE ${n.is_procedure ? 'PROCEDURE' : 'FUNCTION'} ${nameParts(n.funcname).join('.')}`);
    case 'CreateTrigStmt':
      if (n.replace) return [];
      return pgVersion >= 14 ? orReplace(`CREATE TRIGGER ${n.trigname}`) : [{ what: `CREATE TRIGGER ${n.trigname}`, guard: 'a DROP TRIGGER IF EXISTS before it' }];
    case 'DropStmt': {
      const words = DROP_WORDS[n.removeType];
      if (n.missing_ok || !words) return [];
      const names = (n.objects ?? []).map(droppedName);
      return [{ what: `DROP ${words[1]} ${names.join(', ')}`, guard: 'IF EXISTS', fix: () => guardFix(s, words[0], ' IF EXISTS', source) }];
    }
    case 'AlterEnumStmt':
      if (n.oldVal || n.skipIfNewValExists) return [];
      return [
        {
          what: `ALTER TYPE ${nameParts(n.typeName).join('.')} ADD VALUE '${n.newVal}'`,
          guard: 'IF NOT EXISTS',
          fix: () => guardFix(s, 'VALUE', ' IF NOT EXISTS', source),
        },
      ];
    case 'AlterTableStmt': {
      const out: Guard[] = [];
      for (const cmd of tableAlterCommands(s)) {
        if (cmd.subtype === 'AT_AddColumn' && !cmd.missing_ok) {
          const column = nodeBody(cmd.def, 'ColumnDef');
          const fix = () => {
            const tokens = codeTokens(s);
            const i = tokenIndexAt(s, column?.location);
            const edit = tokens && i !== undefined && i > 0 ? insertAfterToken(s, tokens[i - 1], ' IF NOT EXISTS', source) : undefined;
            return edit ? { description: 'add IF NOT EXISTS', edits: [edit] } : undefined;
          };
          out.push({ what: `ADD COLUMN ${column?.colname}`, guard: 'IF NOT EXISTS', fix });
        } else if ((cmd.subtype === 'AT_DropColumn' || cmd.subtype === 'AT_DropConstraint') && !cmd.missing_ok) {
          out.push({ what: `DROP ${cmd.subtype === 'AT_DropColumn' ? 'COLUMN' : 'CONSTRAINT'} ${cmd.name}`, guard: 'IF EXISTS' });
        }
      }
      return out;
    }
    default:
      return [];
  }
}

export default defineRule({
  id: 'require-rerunnable-ddl',
  severity: 'warn',
  fixable: true,
  summary: 'Without a transaction, CREATE without IF NOT EXISTS / DROP without IF EXISTS makes a failed migration impossible to re-run',
  docs: {
    why:
      'When a migration does not run in one transaction (the tool is told not to wrap it, or it COMMITs between ' +
      'steps), a failure half-way leaves the statements before the failure applied. Running the migration again ' +
      'then stops at the first of them: "relation already exists", "column does not exist". Someone has to finish ' +
      'the migration by hand, during the incident.',
    safe:
      'Make every statement that runs before the last commit point safe to run twice: CREATE ... IF NOT EXISTS, ' +
      'DROP ... IF EXISTS, ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE, ALTER TYPE ... ADD VALUE IF NOT EXISTS. ' +
      'CREATE INDEX CONCURRENTLY is left to require-rerunnable-concurrent-index: a failed build leaves an INVALID ' +
      'index that IF NOT EXISTS would keep, so its guard is a DROP INDEX CONCURRENTLY IF EXISTS before it. Statements inside DO blocks ' +
      '(usually guards themselves) and statements on tables created earlier in the migration are not reported.',
    bad: "-- +goose Up\n-- +goose NO TRANSACTION\nALTER TYPE order_status ADD VALUE 'refunded';\nALTER TYPE order_status ADD VALUE 'disputed';",
    good:
      "-- +goose Up\n-- +goose NO TRANSACTION\nALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';\n" +
      "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'disputed';",
  },
  check({ statements, report, transactionOf, embeddedIn, createdBefore, migration, pgVersion }) {
    // The statements that do work (not transaction control, not inside a DO block), in order.
    const work = statements.all.filter((s) => s.kind !== 'TransactionStmt' && !embeddedIn(s));
    // For each, whether a later one runs in another transaction (so this one is committed first).
    const committedFirst = new Map<unknown, boolean>();
    let suffixTx: unknown;
    let uniform = true;
    for (let i = work.length - 1; i >= 0; i--) {
      const t = transactionOf(work[i]) ?? work[i];
      if (i === work.length - 1) suffixTx = t;
      committedFirst.set(work[i], i < work.length - 1 && !(uniform && t === suffixTx));
      if (t !== suffixTx) uniform = false;
    }
    for (const s of work) {
      const tx = transactionOf(s);
      if (!tx?.complete || !committedFirst.get(s)) continue; // unknown transaction: maybe the whole migration is one
      const created = createdBefore(s);
      for (const g of guardsFor(s, migration.sources.get(s.chunk.file), pgVersion)) {
        const table = g.table ?? (s.kind === 'AlterTableStmt' || s.kind === 'IndexStmt' ? s.node.relation?.relname : undefined);
        if (table && created.table(table)) continue;
        if (s.kind === 'DropStmt' && (s.node.objects ?? []).every((o: any) => {
          const name = droppedName(o).split('.').pop();
          return created.table(name) || created.index(name) || created.type(name);
        })) continue;
        report(
          s,
          `${g.what} is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add ${g.guard}`,
          { fix: g.fix?.() },
        );
      }
    }
  },
});
