import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { SectionTransactions } from '../../src/pg/transactions.js';
import { doBlockHasTransactionControl, embeddingStatement, withEmbeddedStatements } from '../../src/pg/plpgsql.js';
import type { Statement } from '../../src/ir/types.js';

async function analyse(sql: string, wrapped: boolean | undefined) {
  const migration = (await lintText(sql, 'm.sql', { rules: {} })).migrations[0];
  const statements = withEmbeddedStatements(migration.up.statements) as Statement[];
  const tx = new SectionTransactions(statements, wrapped, embeddingStatement, doBlockHasTransactionControl);
  const at = (text: string) => {
    const s = statements.find((st) => st.kind !== 'DoStmt' && st.text.includes(text));
    if (!s) throw new Error(`no statement with ${text}`);
    return s;
  };
  return { statements, tx, at };
}

describe('SectionTransactions', () => {
  it('the framework wraps everything in one transaction', async () => {
    const { tx, at } = await analyse('CREATE TABLE a (id int);\nCREATE TABLE b (id int);', true);
    expect(tx.inTransactionAt(at('TABLE a'))).toBe(true);
    expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBe(true);
    expect(tx.transactionOf(at('TABLE a'))?.statements.length).toBe(2);
    expect(tx.problems).toEqual([]);
  });

  it('without a transaction, each statement is its own', async () => {
    const { tx, at } = await analyse('CREATE TABLE a (id int);\nCREATE TABLE b (id int);', false);
    expect(tx.inTransactionAt(at('TABLE a'))).toBe(false);
    expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBe(false);
  });

  it('unknown framework: unknown outside explicit blocks, known inside them', async () => {
    const { tx, at } = await analyse('CREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE d (id int);\nCOMMIT;', undefined);
    expect(tx.inTransactionAt(at('TABLE a'))).toBeUndefined();
    expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBeUndefined();
    expect(tx.inTransactionAt(at('TABLE b'))).toBe(true);
    expect(tx.sameTransaction(at('TABLE b'), at('TABLE c'))).toBe(true);
    expect(tx.sameTransaction(at('TABLE c'), at('TABLE d'))).toBe(false);
    expect(tx.transactionOf(at('TABLE b'))?.explicit).toBe(true);
    expect(tx.transactionOf(at('TABLE b'))?.begin?.range.start.line).toBe(2);
  });

  it('a COMMIT inside the framework transaction ends it: what follows is in autocommit', async () => {
    const { tx, at } = await analyse('CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);', true);
    expect(tx.inTransactionAt(at('TABLE a'))).toBe(true);
    expect(tx.inTransactionAt(at('TABLE b'))).toBe(false);
    expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBe(false);
    expect(tx.problems.map((p) => p.kind)).toEqual(['control-in-wrapped']);
  });

  it('nested BEGIN is ignored and the first COMMIT ends the transaction; a trailing BEGIN is unclosed', async () => {
    const { tx, at } = await analyse('BEGIN;\nCREATE TABLE a (id int);\nBEGIN;\nCOMMIT;\nCREATE TABLE b (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE c (id int);', false);
    expect(tx.problems.map((p) => [p.kind, p.stmt.range.start.line, p.opener?.range.start.line])).toEqual([
      ['nested-begin', 3, 1],
      ['unclosed', 7, undefined],
    ]);
    expect(tx.inTransactionAt(at('TABLE b'))).toBe(false);
    expect(tx.inTransactionAt(at('TABLE c'))).toBe(true);
  });

  it('savepoints change nothing; COMMIT AND CHAIN starts the next transaction', async () => {
    const { tx, at } = await analyse('BEGIN;\nSAVEPOINT s;\nCREATE TABLE a (id int);\nRELEASE SAVEPOINT s;\nCOMMIT AND CHAIN;\nCREATE TABLE b (id int);\nCOMMIT;', false);
    expect(tx.inTransactionAt(at('TABLE a'))).toBe(true);
    expect(tx.inTransactionAt(at('TABLE b'))).toBe(true);
    expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBe(false);
    expect(tx.problems).toEqual([]);
  });

  it('statements in a DO block share one transaction, whatever the framework', async () => {
    const sql = 'CREATE TABLE x (id int);\nDO $$ BEGIN CREATE TABLE a (id int); CREATE TABLE b (id int); END $$;\nCREATE TABLE c (id int);';
    for (const wrapped of [true, false, undefined]) {
      const { tx, at } = await analyse(sql, wrapped);
      expect(tx.inTransactionAt(at('TABLE a'))).toBe(true);
      expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBe(true);
      expect(tx.sameTransaction(at('TABLE b'), at('TABLE c'))).toBe(wrapped === true ? true : wrapped === false ? false : undefined);
    }
  });

  it('a DO block that commits itself: its statements are in a transaction, but not known to share one', async () => {
    const { tx, at } = await analyse('DO $$ BEGIN CREATE TABLE a (id int); COMMIT; CREATE TABLE b (id int); END $$;', false);
    expect(tx.inTransactionAt(at('TABLE a'))).toBe(true);
    expect(tx.sameTransaction(at('TABLE a'), at('TABLE b'))).toBeUndefined();
  });
});
