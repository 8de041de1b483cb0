import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../src/pg/parse.js';
import { SnapshotReader, diffSnapshots, describeDifference, differenceDetails, takeSnapshot } from '../../src/validate/snapshot.js';
import { resetDatabase } from '../../src/validate/trial.js';
import { closeSharedTrialDb, sharedTrialDb } from './helpers.js';

beforeAll(async () => {
  await loadSqlParser();
});
afterAll(closeSharedTrialDb);

/** Runs `setup`, snapshots, runs `change`, snapshots; returns the differences in words. */
async function differences(setup: string, change: string): Promise<string[]> {
  const db = await sharedTrialDb();
  if (setup) await db.execute(setup);
  const before = await takeSnapshot(db);
  await db.execute(change);
  const after = await takeSnapshot(db);
  return diffSnapshots(before, after).map(describeDifference);
}

describe('schema snapshot and diff', () => {
  beforeEach(async () => resetDatabase(await sharedTrialDb()));

  it('sees nothing in an empty database and nothing changed by a round trip', async () => {
    const db = await sharedTrialDb();
    expect((await takeSnapshot(db)).size).toBe(0);
    expect(
      await differences(
        'CREATE TABLE users (id bigint PRIMARY KEY, email text)',
        'ALTER TABLE users ADD COLUMN tenant_id bigint; CREATE INDEX users_t ON users (tenant_id); DROP INDEX users_t; ALTER TABLE users DROP COLUMN tenant_id',
      ),
    ).toEqual([]);
  });

  it('names columns left behind, not restored and changed (type, nullability, default)', async () => {
    expect(
      await differences(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text NOT NULL, plan text DEFAULT 'free', legacy int)",
        "ALTER TABLE users ADD COLUMN tenant_id bigint; ALTER TABLE users ALTER COLUMN email TYPE varchar(255); ALTER TABLE users ALTER COLUMN name DROP NOT NULL; ALTER TABLE users ALTER COLUMN plan SET DEFAULT 'trial'; ALTER TABLE users DROP COLUMN legacy",
      ),
    ).toEqual([
      'leaves column users.tenant_id behind',
      'does not restore column users.legacy',
      'changes column users.email type from text to character varying(255)',
      'makes column users.name nullable (it was NOT NULL)',
      "changes column users.plan default from 'free'::text to 'trial'::text",
    ]);
  });

  it('folds the parts of a table left behind into the table, and names indexes, constraints and schemas', async () => {
    expect(
      await differences(
        'CREATE TABLE orders (id bigint PRIMARY KEY, total int); CREATE INDEX orders_total_idx ON orders (total); CREATE SCHEMA audit',
        'CREATE TABLE extra (id bigint PRIMARY KEY, x int); CREATE INDEX extra_x ON extra (x); DROP INDEX orders_total_idx; ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0); DROP SCHEMA audit',
      ),
    ).toEqual([
      'leaves constraint total_positive on orders behind',
      'leaves table extra behind',
      'does not restore index orders_total_idx',
      'does not restore schema audit',
    ]);
  });

  it('compares enum values, views, functions, triggers, policies, sequences and extensions', async () => {
    expect(
      await differences(
        `CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE TABLE t (id bigint PRIMARY KEY, m mood);
         CREATE VIEW v AS SELECT id FROM t;
         CREATE VIEW w AS SELECT id FROM t WHERE id > 0;
         CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x';
         CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
         CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
         CREATE POLICY p ON t USING (id > 0);
         CREATE SEQUENCE s`,
        `ALTER TYPE mood ADD VALUE 'happy';
         CREATE OR REPLACE VIEW v AS SELECT id, m FROM t;
         CREATE OR REPLACE VIEW w AS SELECT id FROM t WHERE id > 1;
         CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
         DROP TRIGGER t_trg ON t;
         DROP POLICY p ON t; CREATE POLICY p ON t USING (id > 1);
         ALTER SEQUENCE s INCREMENT BY 10;
         CREATE EXTENSION citext`,
      ),
    ).toEqual([
      'leaves extension citext behind',
      'does not restore trigger t_trg on t',
      'changes the body of function f(x integer)',
      'changes policy p on t using from (id > 0) to (id > 1)',
      'changes sequence s definition from bigint start 1 increment 1 min 1 max 9223372036854775807 to bigint start 1 increment 10 min 1 max 9223372036854775807',
      // A view's definition in its columns; one that changes otherwise, as definitions.
      'recreates view v with a column more: m',
      'changes view w definition from SELECT id FROM t WHERE id > 0 to SELECT id FROM t WHERE id > 1',
      "changes type mood definition from 'ok', 'sad' to 'ok', 'sad', 'happy'",
    ]);
  });

  it('compares the order of a table\'s columns, naming the one that moved', async () => {
    expect(
      await differences(
        'CREATE TABLE person (id int, name text, inbox_url text, bio text)',
        'ALTER TABLE person DROP COLUMN inbox_url; ALTER TABLE person ADD COLUMN inbox_url text',
      ),
    ).toEqual(['moves column person.inbox_url to the end (before the up it came after name)']);
    expect(
      await differences(
        'CREATE TABLE customers (id int, tax text, invoicing text, name text)',
        'ALTER TABLE customers DROP COLUMN tax, DROP COLUMN invoicing; ALTER TABLE customers ADD COLUMN invoicing text, ADD COLUMN tax text',
      ),
    ).toEqual(['moves columns invoicing, tax of table customers to the end']);
    // A column dropped and added again at the end where it was already last is no difference.
    expect(await differences('CREATE TABLE t (a int, b int)', 'ALTER TABLE t DROP COLUMN b; ALTER TABLE t ADD COLUMN b int')).toEqual([]);
    // Columns the down adds or leaves out are differences of their own, not of the order.
    expect(await differences('CREATE TABLE u (a int, b int, c int)', 'ALTER TABLE u DROP COLUMN b; ALTER TABLE u ADD COLUMN d int')).toEqual([
      'leaves column u.d behind',
      'does not restore column u.b',
    ]);
  });

  it('compares grants, and takes a grant revoked again as the default it was', async () => {
    const db = await sharedTrialDb();
    await db.execute("DO $$ BEGIN CREATE ROLE reporting NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    expect(await differences('CREATE TABLE g (id int)', 'GRANT SELECT ON g TO reporting; REVOKE SELECT ON g FROM reporting')).toEqual([]);
    const [grant] = await differences('CREATE TABLE h (id int)', 'GRANT SELECT ON h TO reporting');
    expect(grant).toMatch(/^changes table h grants from \{\w+=arwdDxtm\w*\/\w+\} to \{\w+=arwdDxtm\w*\/\w+,reporting=r\/\w+\}$/);
  });

  it('leaves out objects of extensions and the ignored schemas', async () => {
    const db = await sharedTrialDb();
    await db.execute('CREATE EXTENSION "uuid-ossp"; CREATE SCHEMA hidden; CREATE TABLE hidden.t (id int)');
    const snap = await new SnapshotReader(db, ['hidden']).take();
    expect([...snap.keys()]).toEqual(['extension uuid-ossp']);
  });

  it('does not count a constraint validated since its NOT VALID creation as a difference', async () => {
    expect(
      await differences(
        'CREATE TABLE a (id bigint PRIMARY KEY); CREATE TABLE b (a_id bigint); ALTER TABLE b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID',
        'ALTER TABLE b VALIDATE CONSTRAINT b_a_fk',
      ),
    ).toEqual([]);
    // The other way round (a validated constraint that comes back NOT VALID) is one.
    expect(
      await differences(
        'CREATE TABLE c (id bigint PRIMARY KEY, n int CONSTRAINT n_pos CHECK (n > 0))',
        'ALTER TABLE c DROP CONSTRAINT n_pos; ALTER TABLE c ADD CONSTRAINT n_pos CHECK (n > 0) NOT VALID',
      ),
    ).toEqual(['changes constraint n_pos on c validated from yes to no']);
  });

  it('shows the whole table before and after for a difference on a table', async () => {
    const db = await sharedTrialDb();
    await db.execute('CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)');
    const before = await takeSnapshot(db);
    await db.execute('ALTER TABLE users ADD COLUMN tenant_id bigint');
    const after = await takeSnapshot(db);
    const [d] = diffSnapshots(before, after);
    expect(differenceDetails(d, before, after)).toEqual([
      { label: 'before the up', lines: ['table users (', '  id bigint NOT NULL', '  email text NOT NULL', '  CONSTRAINT users_pkey PRIMARY KEY (id)', ')'] },
      {
        label: 'after the down',
        lines: ['table users (', '  id bigint NOT NULL', '  email text NOT NULL', '  tenant_id bigint', '  CONSTRAINT users_pkey PRIMARY KEY (id)', ')'],
      },
    ]);
  });

  it('prepares its query again after a migration deallocates it', async () => {
    const db = await sharedTrialDb();
    const reader = new SnapshotReader(db);
    await db.execute('CREATE TABLE a (id int)');
    expect((await reader.take()).has('rel public.a')).toBe(true);
    await db.execute('DISCARD ALL');
    expect((await reader.take()).has('rel public.a')).toBe(true);
  });
});

describe('view columns', () => {
  it('says what a recreated view gained, lost or reordered; nothing for the same columns', async () => {
    const { viewColumnChange } = await import('../../src/validate/view-columns.js');
    expect(viewColumnChange('SELECT id, name FROM u', 'SELECT id, name, inbox_url, shared_inbox_url FROM u')).toBe('2 more columns: inbox_url, shared_inbox_url');
    expect(viewColumnChange('SELECT id, u.name AS n FROM u', 'SELECT id FROM u')).toBe('column n gone');
    expect(viewColumnChange('SELECT a, b FROM u UNION SELECT c, d FROM x', 'SELECT b, a FROM u')).toBe('its columns in another order');
    expect(viewColumnChange('SELECT id FROM u WHERE id > 0', 'SELECT id FROM u')).toBeUndefined();
  });
});
