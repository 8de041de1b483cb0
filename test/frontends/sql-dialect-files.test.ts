/**
 * SQL files whose name or folder says they are for another database (ory/pop's
 * `<version>_<name>.mysql.up.sql`, `sqlite/1_init.sql`) are listed in the coverage,
 * not parsed as PostgreSQL.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, lintText } from '../../src/lint.js';

const POP = path.join('fixtures', 'dialects', 'pop');

describe('SQL files named for a database (fixtures/dialects/pop)', async () => {
  const result = await lint([POP]);
  const byName = (name: string) => result.migrations.find((m) => path.basename(m.path) === name)!;

  it('does not parse the MySQL, SQLite and CockroachDB files, and says why in the coverage', () => {
    for (const [file, db] of [
      ['20230101000002000000_clients.mysql.up.sql', 'mysql'],
      ['20230101000002000000_clients.sqlite3.up.sql', 'sqlite3'],
      ['20230101000002000000_clients.cockroach.autocommit.up.sql', 'cockroach'],
    ]) {
      const m = byName(file);
      expect(m.up.statements).toEqual([]);
      expect(m.expectsDown).toBe(false);
      expect(m.coverage!.unanalysed.map((u) => u.reason)).toEqual([`runs only on ${db}: the file is named for it, so it is not read as a PostgreSQL migration`]);
    }
  });

  it('reports nothing in them: no parse error, no lock finding, no missing down', () => {
    const flagged = new Set(result.findings.map((f) => path.basename(f.file)));
    expect([...flagged].sort()).toEqual(['20230101000002000000_clients.postgres.down.sql', '20230101000002000000_clients.postgres.up.sql']);
  });

  it('reads the PostgreSQL files and those for every database as before', () => {
    expect(byName('20230101000002000000_clients.postgres.up.sql').up.statements.map((s) => s.kind)).toEqual(['IndexStmt']);
    expect(byName('20230101000001000000_networks.up.sql').up.statements.map((s) => s.kind)).toEqual(['CreateStmt']);
    expect(byName('20230101000001000000_networks.up.sql').coverage).toBeUndefined();
  });

  it('reads a file in a folder named for another database the same way, and a name part that is no database as before', async () => {
    const sqlite = await lintText('PRAGMA foreign_keys = OFF;\n', 'db/sqlite/001_init.sql');
    expect(sqlite.findings).toEqual([]);
    expect(sqlite.migrations[0].coverage!.unanalysed[0].reason).toBe('runs only on sqlite: the file is in a "sqlite" folder, so it is not read as a PostgreSQL migration');
    const plain = await lintText('SELEC 1;\n', 'db/001_init.mysqlish.sql');
    expect(plain.findings.map((f) => f.ruleId)).toEqual(['parse-error']);
  });
});
