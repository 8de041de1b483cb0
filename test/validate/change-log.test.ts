import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseChunk } from '../../src/pg/parse.js';
import { fileChunk } from '../../src/frontends/sql/index.js';
import { LineIndex } from '../../src/ir/source-text.js';
import { unloggedChange } from '../../src/validate/change-log.js';
import { trialCheck } from '../../src/validate/trial.js';
import { cleanup, closeSharedTrialDb, gm, migrationsOf, sharedTrialDb } from './helpers.js';

beforeAll(loadSqlParser);
afterAll(async () => {
  await closeSharedTrialDb();
  cleanup();
});

const statements = (sql: string) => parseChunk(fileChunk('m.sql', new LineIndex(sql), 0, sql.length));

describe('change log', { timeout: 120_000 }, () => {
  it('knows which statements change the catalogs without a DDL command', () => {
    expect(unloggedChange(statements(`UPDATE pg_catalog.pg_attribute SET attnotnull = false WHERE attname = 'x'`))).toBe(true);
    expect(unloggedChange(statements(`INSERT INTO pg_enum (enumtypid, enumsortorder, enumlabel) VALUES (1, 2, 'x')`))).toBe(true);
    expect(unloggedChange(statements(`REASSIGN OWNED BY app TO admin`))).toBe(true);
    expect(unloggedChange(statements(`UPDATE users SET email = lower(email); ALTER TABLE users ADD COLUMN x int; DELETE FROM app.pg_like WHERE true`))).toBe(false);
  });

  // Without a whole read, the snapshot after this down would follow the log, which saw no
  // DDL: it would keep email NOT NULL and report a down that does not undo its up.
  it('reads the whole schema around a migration that writes the catalogs itself', async () => {
    const { migrations } = await migrationsOf({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', 'DROP TABLE users;'),
      ...gm('000002', 'email', 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', "UPDATE pg_attribute SET attnotnull = false WHERE attrelid = 'users'::regclass AND attname = 'email';"),
    });
    const r = await trialCheck(migrations, { driver: await sharedTrialDb(), data: false });
    expect(r.data?.changeLog).toBe(true);
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([]);
    expect(r.summary).toMatch(/2 ups, 2 downs compared/);
  });

  it('logs DDL run under another role (SET ROLE)', async () => {
    const { migrations } = await migrationsOf({
      ...gm(
        '000001',
        'app',
        'CREATE ROLE app_owner;\nCREATE SCHEMA app AUTHORIZATION app_owner;\nSET ROLE app_owner;\nCREATE TABLE app.items (id int);\nRESET ROLE;',
        'DROP SCHEMA app CASCADE;\nDROP ROLE app_owner;',
      ),
      ...gm('000002', 'name', 'SET ROLE app_owner;\nALTER TABLE app.items ADD COLUMN name text;\nRESET ROLE;', 'SET ROLE app_owner;\nALTER TABLE app.items DROP COLUMN name;\nCREATE INDEX items_left ON app.items (id);\nRESET ROLE;'),
    });
    const r = await trialCheck(migrations, { driver: await sharedTrialDb(), data: false });
    expect(r.data?.changeLog).toBe(true);
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([['validate/trial-down-leaves-schema', 'down of 000002_name leaves index app.items_left behind']]);
  });
});
