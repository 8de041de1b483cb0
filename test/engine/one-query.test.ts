/**
 * A tool that sends a file as one query (golang-migrate, Prisma, dbmate transaction:false):
 * PostgreSQL runs a query of several statements as one implicit transaction; a BEGIN in it
 * makes that transaction explicit, and after a COMMIT the next statement opens another.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseChunk } from '../../src/pg/parse.js';
import { LineIndex } from '../../src/ir/source-text.js';
import { SectionTransactions } from '../../src/pg/transactions.js';
import { lintText } from '../../src/lint.js';

beforeAll(async () => {
  await loadSqlParser();
});

const statements = (sql: string) => {
  const lines = new LineIndex(sql);
  return parseChunk({ sql, file: 'f.sql', origin: 'sql', position: (o) => lines.position(o) });
};

describe("SectionTransactions, 'one-query'", () => {
  it('puts every statement in a transaction, one per COMMIT', () => {
    const s = statements('SELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3; SELECT 4;');
    const tx = new SectionTransactions(s, 'one-query');
    expect(s.map((x) => tx.inTransactionAt(x))).toEqual([true, true, true, true, true, true]);
    // The BEGIN turns the implicit transaction (holding SELECT 1) into an explicit one.
    expect(tx.transactionOf(s[0])).toBe(tx.transactionOf(s[2]));
    expect(tx.transactionOf(s[0])?.explicit).toBe(true);
    expect(tx.transactionOf(s[4])).toBe(tx.transactionOf(s[5]));
    expect(tx.transactionOf(s[4])?.implicit).toBe(true);
    expect(tx.sameTransaction(s[2], s[4])).toBe(false);
    expect(tx.problems).toEqual([]);
  });

  it('reports a BEGIN left open, as for any file', () => {
    const s = statements('SELECT 1; BEGIN; SELECT 2;');
    expect(new SectionTransactions(s, 'one-query').problems.map((p) => p.kind)).toEqual(['unclosed']);
  });
});

describe('other rules see the shared transaction of a golang-migrate file', () => {
  it('NOT VALID and VALIDATE in one file run in one transaction', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\n';
    const ids = async (file: string) => (await lintText(sql, file)).findings.map((f) => f.ruleId);
    expect(await ids('db/000002_check.up.sql')).toContain('no-validate-in-same-transaction');
    expect(await ids('db/add_check.sql')).not.toContain('no-validate-in-same-transaction');
  });
});

describe('who sends the file decides', () => {
  const sql = 'ALTER TABLE users ADD COLUMN tenant_id bigint;\nCREATE INDEX CONCURRENTLY users_tenant_idx ON users (tenant_id);\n';
  const file = 'db/000003_tenant.up.sql';
  const ids = async (options: Parameters<typeof lintText>[2]) => (await lintText(sql, file, options)).findings.map((f) => f.ruleId);

  it('golang-migrate sends the file as one query: CONCURRENTLY fails in it', async () => {
    expect(await ids({})).toContain('no-concurrently-in-transaction');
  });

  it("migratelint apply's executor sends statement by statement: CONCURRENTLY runs on its own", async () => {
    expect(await ids({ sentBy: 'migratelint' })).not.toContain('no-concurrently-in-transaction');
  });
});
