import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../src/pg/parse.js';
import { SnapshotReader, diffSnapshots, describeDifference, type Snapshot } from '../../src/validate/snapshot.js';
import { resetDatabase } from '../../src/validate/trial.js';
import { closeSharedTrialDb, sharedTrialDb } from './helpers.js';

beforeAll(async () => {
  await loadSqlParser();
});
afterAll(closeSharedTrialDb);

/** Every object and attribute, as text: two equal snapshots give the same lines. */
function lines(s: Snapshot): string[] {
  return [...s].map(([key, o]) => `${key} ${JSON.stringify(o)}`).sort();
}

/**
 * Steps of a trial-like session. A string runs as it is; `take` compares the reader's
 * incremental snapshot with one read whole. The changes cover every kind of object the
 * snapshot describes, and the ways the trial moves between states: a change inside a
 * savepoint rolled back, a whole transaction rolled back, renames that change what other
 * objects' descriptions say.
 */
const TAKE = 'take';
/** Where the change log lives (left out of the snapshots, like the trial's own schema). */
const LOG_SCHEMA = 'snapshot_log';
const STEPS: string[] = [
  TAKE,
  `CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN pos AS int CHECK (VALUE > 0); CREATE TYPE pair AS (a int, b text)`,
  `CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, mood mood DEFAULT 'ok', score pos, created timestamptz DEFAULT now())`,
  `CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), body text, CONSTRAINT body_len CHECK (length(body) < 100))`,
  TAKE,
  `CREATE INDEX posts_user ON posts (user_id); CREATE UNIQUE INDEX users_email ON users (lower(email))`,
  `CREATE VIEW user_posts AS SELECT u.id, u.email, p.body FROM users u JOIN posts p ON p.user_id = u.id`,
  `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created := now(); RETURN NEW; END $$`,
  `CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()`,
  TAKE,
  'BEGIN',
  `ALTER TABLE users ADD COLUMN nick text; ALTER INDEX posts_user RENAME TO posts_by_user`,
  TAKE,
  'SAVEPOINT after_up',
  `ALTER TABLE users DROP COLUMN nick; ALTER INDEX posts_by_user RENAME TO posts_user; DROP INDEX users_email`,
  TAKE,
  `CREATE UNIQUE INDEX users_email ON users (lower(email))`,
  TAKE,
  'ROLLBACK TO SAVEPOINT after_up',
  'COMMIT',
  TAKE,
  // Renames read differently in others' descriptions: the view names the column, the foreign key the table.
  `ALTER TABLE users RENAME COLUMN email TO mail`,
  TAKE,
  `ALTER TABLE users RENAME TO members`,
  TAKE,
  `ALTER TYPE mood RENAME TO feeling; ALTER TYPE feeling ADD VALUE 'glad'; ALTER TYPE feeling RENAME VALUE 'sad' TO 'blue'`,
  TAKE,
  `ALTER DOMAIN pos ADD CONSTRAINT pos_small CHECK (VALUE < 1000); ALTER TYPE pair ADD ATTRIBUTE c date`,
  TAKE,
  `ALTER TABLE members ALTER COLUMN mood SET DEFAULT 'blue'; ALTER TABLE members ALTER COLUMN created DROP DEFAULT; ALTER TABLE members ALTER COLUMN mail DROP NOT NULL`,
  TAKE,
  `ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey; ALTER TABLE posts ADD CONSTRAINT posts_owner FOREIGN KEY (user_id) REFERENCES members (id) NOT VALID`,
  TAKE,
  `ALTER TABLE posts VALIDATE CONSTRAINT posts_owner; ALTER TABLE posts RENAME CONSTRAINT body_len TO body_short`,
  TAKE,
  `ALTER TABLE members DISABLE TRIGGER users_touch; ALTER TRIGGER users_touch ON members RENAME TO members_touch`,
  TAKE,
  `CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created := clock_timestamp(); RETURN NEW; END $$`,
  TAKE,
  `ALTER FUNCTION touch() RENAME TO touch_row; GRANT SELECT ON members TO PUBLIC; GRANT UPDATE (mail) ON members TO PUBLIC`,
  TAKE,
  `CREATE OR REPLACE VIEW user_posts AS SELECT u.id, u.mail AS email, p.body, p.id AS post_id FROM members u JOIN posts p ON p.user_id = u.id`,
  TAKE,
  `ALTER TABLE members ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON posts USING (user_id > 0)`,
  TAKE,
  `ALTER POLICY own ON posts USING (user_id > 10); CREATE SEQUENCE counter START 5; ALTER SEQUENCE counter INCREMENT 2`,
  TAKE,
  `CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at); CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
  TAKE,
  `ALTER TABLE events DETACH PARTITION events_2026; CREATE TABLE child (extra int) INHERITS (posts)`,
  TAKE,
  `ALTER TABLE child NO INHERIT posts; ALTER INDEX posts_by_user SET (fillfactor = 70); CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM posts`,
  TAKE,
  'BEGIN',
  `DROP VIEW user_posts; ALTER TABLE members ALTER COLUMN score TYPE bigint; CREATE SCHEMA audit; CREATE TABLE audit.log (id int)`,
  TAKE,
  'ROLLBACK',
  TAKE,
  `ALTER TABLE events ALTER COLUMN id TYPE int; REINDEX TABLE posts; ALTER TABLE members ALTER COLUMN score SET DATA TYPE bigint`,
  TAKE,
  `DROP TABLE child; DROP MATERIALIZED VIEW counts; DROP SEQUENCE counter; DROP TYPE pair; DROP FUNCTION touch_row() CASCADE`,
  TAKE,
  `CREATE SCHEMA audit; CREATE TABLE audit.log (id int PRIMARY KEY); SET search_path = audit, public`,
  TAKE,
  'RESET search_path',
  TAKE,
  // A drop that cascades to another table (its foreign key), and to a view.
  `CREATE TABLE tags (id int PRIMARY KEY); CREATE TABLE post_tags (tag_id int REFERENCES tags (id), note text DEFAULT 'x'); CREATE VIEW tag_names AS SELECT id FROM tags`,
  TAKE,
  `DROP TABLE tags CASCADE`,
  TAKE,
  // An index made and dropped between two snapshots; one dropped that a snapshot described.
  `CREATE INDEX post_tags_note ON post_tags (note); DROP INDEX post_tags_note; CREATE INDEX post_tags_tag ON post_tags (tag_id)`,
  TAKE,
  `DROP INDEX post_tags_tag`,
  TAKE,
  `ALTER TABLE post_tags ALTER COLUMN note DROP DEFAULT`,
  TAKE,
  // Two snapshots inside a transaction that is then rolled back whole (a COMMIT that fails):
  // the schema goes back to before both.
  'BEGIN',
  `ALTER TABLE post_tags ADD COLUMN extra int; CREATE TYPE size AS ENUM ('s')`,
  TAKE,
  'SAVEPOINT inner_sp',
  `ALTER TABLE post_tags DROP COLUMN extra; ALTER TABLE members ADD COLUMN later int`,
  TAKE,
  'ROLLBACK',
  TAKE,
  // DDL inside a DO block, and on a partitioned table (its partitions change with it).
  `DO $$ BEGIN EXECUTE 'ALTER TABLE post_tags ADD COLUMN dyn int'; END $$; ALTER TABLE events ADD COLUMN kind text`,
  TAKE,
  `CREATE TABLE events_2027 (LIKE events); ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')`,
  TAKE,
  `ALTER TABLE events DETACH PARTITION events_2027`,
  TAKE,
  // A typed table changes with its composite type.
  `CREATE TYPE point3 AS (x int, y int); CREATE TABLE points OF point3`,
  TAKE,
  `ALTER TYPE point3 ADD ATTRIBUTE z int CASCADE`,
  TAKE,
];

describe('incremental snapshots', () => {
  /** Runs the steps; each snapshot of `reader` must equal one read whole. Returns how many were taken. */
  async function compareAlong(reader: SnapshotReader): Promise<number> {
    const db = await sharedTrialDb();
    // Prepared now: a PREPARE inside the steps' transactions would abort them (the name is taken).
    await reader.prepare();
    const wholeReader = new SnapshotReader(db, [LOG_SCHEMA], false);
    await wholeReader.prepare();
    let takes = 0;
    for (const step of STEPS) {
      if (step !== TAKE) {
        await db.execute(step).catch((e: Error) => {
          throw new Error(`${step}: ${e.message}`);
        });
        continue;
      }
      const incremental = await reader.take();
      const whole = await wholeReader.take();
      takes++;
      expect({ step: takes, differences: diffSnapshots(whole, incremental).map(describeDifference) }).toEqual({ step: takes, differences: [] });
      expect(lines(incremental)).toEqual(lines(whole));
    }
    return takes;
  }

  it('equal a snapshot read whole after every kind of change, savepoint rollbacks and renames included', async () => {
    const db = await sharedTrialDb();
    await resetDatabase(db);
    await db.execute(`CREATE SCHEMA ${LOG_SCHEMA}`);
    const reader = new SnapshotReader(db, [LOG_SCHEMA]);
    const takes = await compareAlong(reader);
    expect(reader.followsLog).toBe(false);
    expect(reader.counts.partial).toBeGreaterThan(takes / 2);
    await resetDatabase(db);
  });

  it('equal it too when they follow the change log instead of stamping the catalogs', async () => {
    const db = await sharedTrialDb();
    await resetDatabase(db);
    await db.execute(`CREATE SCHEMA ${LOG_SCHEMA}`);
    const reader = new SnapshotReader(db, [LOG_SCHEMA], true, LOG_SCHEMA);
    const takes = await compareAlong(reader);
    expect(reader.followsLog).toBe(true);
    // Whole reads only where the log cannot place a change, which these steps seek out: the
    // first, new schemas, search_path, GRANT, partitioned tables, a rollback to before two
    // snapshots.
    expect(reader.counts.full).toBeLessThan(takes / 2);
    expect(reader.counts.partial).toBeGreaterThan(takes / 3);
    await resetDatabase(db);
  });
});
