import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { conflicts, describeLock, lockFor, locksFor } from '../../src/pg/locks.js';

async function stmt(sql: string) {
  return (await lintText(sql, 'm.sql')).migrations[0].up.statements[0];
}

const brief = async (sql: string, pg?: number) => locksFor(await stmt(sql), pg).map((l) => `${l.level} ${l.kind} ${l.table}`);

describe('locksFor', () => {
  it('ALTER TABLE: the strongest subcommand lock on the table', async () => {
    expect(await brief('ALTER TABLE orders ADD COLUMN a int;')).toEqual(['ACCESS EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders ALTER COLUMN a SET NOT NULL;')).toEqual(['ACCESS EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders VALIDATE CONSTRAINT c;')).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders ALTER a SET STATISTICS 500;')).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders SET (fillfactor = 70, autovacuum_enabled = off);')).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders SET (fillfactor = 70, user_catalog_table = true);')).toEqual(['ACCESS EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders DISABLE TRIGGER ALL;')).toEqual(['SHARE ROW EXCLUSIVE table orders']);
    expect(await brief('ALTER TABLE orders VALIDATE CONSTRAINT c, ADD COLUMN b int;')).toEqual(['ACCESS EXCLUSIVE table orders']);
  });

  it('ADD FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables', async () => {
    expect(await brief('ALTER TABLE orders ADD FOREIGN KEY (c) REFERENCES app.customers (id) NOT VALID;')).toEqual([
      'SHARE ROW EXCLUSIVE table orders',
      'SHARE ROW EXCLUSIVE table app.customers',
    ]);
    expect(await brief('CREATE TABLE orders (c bigint REFERENCES customers (id));')).toEqual(['SHARE ROW EXCLUSIVE table customers']);
  });

  it('partitions', async () => {
    expect(await brief('ALTER TABLE m ATTACH PARTITION m1 FOR VALUES IN (1);')).toEqual(['SHARE UPDATE EXCLUSIVE table m', 'ACCESS EXCLUSIVE table m1']);
    expect(await brief('ALTER TABLE m DETACH PARTITION m1;')).toEqual(['ACCESS EXCLUSIVE table m', 'ACCESS EXCLUSIVE table m1']);
    expect(await brief('ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY;')).toEqual(['SHARE UPDATE EXCLUSIVE table m', 'SHARE UPDATE EXCLUSIVE table m1']);
    expect(await brief('CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);')).toEqual(['ACCESS EXCLUSIVE table m']);
  });

  it('indexes, maintenance, LOCK and DML', async () => {
    expect(await brief('CREATE INDEX i ON orders (a);')).toEqual(['SHARE table orders']);
    expect(await brief('CREATE INDEX CONCURRENTLY i ON orders (a);')).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('DROP INDEX i;')).toEqual(['ACCESS EXCLUSIVE index i']);
    expect(await brief('DROP INDEX CONCURRENTLY i;')).toEqual(['SHARE UPDATE EXCLUSIVE index i']);
    expect(await brief('REINDEX INDEX i;')).toEqual(['ACCESS EXCLUSIVE index i']);
    expect(await brief('REINDEX TABLE CONCURRENTLY orders;')).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('VACUUM FULL orders, items;')).toEqual(['ACCESS EXCLUSIVE table orders', 'ACCESS EXCLUSIVE table items']);
    expect(await brief('VACUUM (ANALYZE) orders;')).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('CLUSTER orders;')).toEqual(['ACCESS EXCLUSIVE table orders']);
    expect(await brief('TRUNCATE a, b;')).toEqual(['ACCESS EXCLUSIVE table a', 'ACCESS EXCLUSIVE table b']);
    expect(await brief('REFRESH MATERIALIZED VIEW mv;')).toEqual(['ACCESS EXCLUSIVE materialized view mv']);
    expect(await brief('REFRESH MATERIALIZED VIEW CONCURRENTLY mv;')).toEqual(['EXCLUSIVE materialized view mv']);
    expect(await brief('LOCK TABLE a IN ROW EXCLUSIVE MODE;')).toEqual(['ROW EXCLUSIVE table a']);
    expect(await brief('LOCK a;')).toEqual(['ACCESS EXCLUSIVE table a']);
    expect(await brief('CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();')).toEqual(['SHARE ROW EXCLUSIVE table orders']);
    expect(await brief('DROP TRIGGER t ON app.orders;')).toEqual(['ACCESS EXCLUSIVE table app.orders']);
    expect(await brief('UPDATE orders SET a = 1;')).toEqual(['ROW EXCLUSIVE table orders']);
    expect(await brief("COMMENT ON COLUMN orders.a IS 'x';")).toEqual(['SHARE UPDATE EXCLUSIVE table orders']);
    expect(await brief('SELECT 1;')).toEqual([]);
    expect(await brief('CREATE TABLE t (id int);')).toEqual([]);
  });

  it('ALTER INDEX RENAME: SHARE UPDATE EXCLUSIVE from PostgreSQL 12', async () => {
    expect(await brief('ALTER INDEX i RENAME TO j;', 12)).toEqual(['SHARE UPDATE EXCLUSIVE index i']);
    expect(await brief('ALTER INDEX i RENAME TO j;', 11)).toEqual(['ACCESS EXCLUSIVE index i']);
    expect(await brief('ALTER TABLE t RENAME COLUMN a TO b;')).toEqual(['ACCESS EXCLUSIVE table t']);
  });

  it('ALTER DOMAIN ADD CONSTRAINT: SHARE on the tables using the domain', async () => {
    expect(await brief('ALTER DOMAIN d ADD CHECK (VALUE > 0);')).toEqual(['SHARE domain d']);
    expect(await brief('ALTER DOMAIN d ADD CHECK (VALUE > 0) NOT VALID;')).toEqual([]);
  });
});

describe('lockFor and describeLock', () => {
  it('words the strongest lock', async () => {
    expect(describeLock(lockFor(await stmt('ALTER TABLE orders ADD COLUMN a int;'))!)).toBe('takes ACCESS EXCLUSIVE on "orders": blocks reads and writes');
    expect(describeLock(lockFor(await stmt('CREATE INDEX i ON app.orders (a);'))!)).toBe('takes SHARE on "app.orders": blocks writes');
    expect(describeLock(lockFor(await stmt('DROP INDEX i;'))!)).toBe('takes ACCESS EXCLUSIVE on the table of index "i": blocks reads and writes');
    expect(describeLock(lockFor(await stmt('ALTER TABLE orders VALIDATE CONSTRAINT c;'))!)).toBe(
      'takes SHARE UPDATE EXCLUSIVE on "orders": blocks other schema changes and VACUUM (not reads or writes)',
    );
  });

  it('follows the conflict table', () => {
    expect(conflicts('ACCESS SHARE', 'ACCESS EXCLUSIVE')).toBe(true);
    expect(conflicts('ACCESS SHARE', 'EXCLUSIVE')).toBe(false);
    expect(conflicts('ROW EXCLUSIVE', 'SHARE')).toBe(true);
    expect(conflicts('ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE')).toBe(false);
    expect(conflicts('SHARE UPDATE EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE')).toBe(true);
    expect(conflicts('SHARE', 'SHARE')).toBe(false);
    expect(conflicts('SHARE ROW EXCLUSIVE', 'SHARE ROW EXCLUSIVE')).toBe(true);
  });
});
