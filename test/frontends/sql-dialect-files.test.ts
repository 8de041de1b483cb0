/**
 * SQL files whose name or folder says they are for another database (ory/pop's
 * `<version>_<name>.mysql.up.sql`, `sqlite/1_init.sql`) are listed in the coverage,
 * not parsed as PostgreSQL.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, lintText } from '../../src/lint.js';
import { postgresFileInstead } from '../../src/frontends/sql/pop-dialect.js';

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

  it('does not read a generic file that a .postgres. file of the same version replaces (pop runs that one instead)', () => {
    const generic = byName('20230101000003000000_invites.up.sql');
    expect(generic.up.statements).toEqual([]);
    expect(generic.down.statements).toEqual([]);
    expect(generic.expectsDown).toBe(false);
    expect(generic.coverage!.unanalysed.map((u) => `${path.basename(u.file)}: ${u.reason}`)).toEqual([
      '20230101000003000000_invites.up.sql: not run on PostgreSQL: pop runs 20230101000003000000_invites.postgres.up.sql instead, the file of the same version written for it',
      '20230101000003000000_invites.down.sql: not run on PostgreSQL: pop runs 20230101000003000000_invites.postgres.down.sql instead, the file of the same version written for it',
    ]);
    expect(byName('20230101000003000000_invites.postgres.up.sql').up.statements.map((s) => s.kind)).toEqual(['CreateStmt', 'IndexStmt']);
  });

  it('finds the PostgreSQL file under either spelling, and only for a generic file of the same name, version and direction', () => {
    const files = new Map(['m/1_a.postgres.autocommit.up.sql', 'm/2_b.postgres.down.sql', 'm/3_c.mysql.up.sql', 'm/1_a.up.sql', 'm/1_a.autocommit.up.sql', 'm/2_b.down.sql'].map((f) => [f, `-- ${f}`]));
    files.set('m/4_d.up.sql', 'SELECT 1;').set('m/4_d.postgres.up.sql', 'SELECT 1;');
    const read = (f: string) => {
      const text = files.get(f.split(path.sep).join('/'));
      if (text === undefined) throw new Error('ENOENT');
      return text;
    };
    const instead = (f: string) => postgresFileInstead(f, read)?.split(path.sep).join('/');
    expect(instead('m/1_a.autocommit.up.sql')).toBe('m/1_a.postgres.autocommit.up.sql');
    expect(instead('m/1_a.up.sql')).toBe('m/1_a.postgres.autocommit.up.sql');
    expect(instead('m/1_a.down.sql')).toBeUndefined();
    expect(instead('m/2_b.down.sql')).toBe('m/2_b.postgres.down.sql');
    expect(instead('m/2_b.up.sql')).toBeUndefined();
    expect(instead('m/3_c.up.sql')).toBeUndefined();
    // A file named for a database is never generic.
    expect(instead('m/2_b.cockroach.down.sql')).toBeUndefined();
    // The same text under both names (or a reader that serves one text for every name): nothing to skip.
    expect(instead('m/4_d.up.sql')).toBeUndefined();
    expect(postgresFileInstead('db/000002_idx.up.sql', () => 'CREATE INDEX i ON t (c);')).toBeUndefined();
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

  it('reads a folder a few levels up (diesel, golang-migrate example trees) and a name that begins with a database (setup scripts, dumps)', async () => {
    const cases: [string, string][] = [
      ['examples/mysql/getting_started/migrations/2016-08-15-133237_create_posts/up.sql', 'runs only on mysql: the file is in a "mysql" folder'],
      ['database/clickhouse/examples/migrations/001_init.up.sql', 'runs only on clickhouse: the file is in a "clickhouse" folder'],
      ['docker/oracle-init.sql', 'runs only on oracle: the file is named for it'],
      ['tests/sqlite-schema.sql', 'runs only on sqlite: the file is named for it'],
      ['testhelpers/sql_schemas/cockroach_dump.sql', 'runs only on cockroach: the file is named for it'],
    ];
    for (const [file, reason] of cases) {
      const r = await lintText('CREATE TABLE `t` (id INT AUTO_INCREMENT) ENGINE=InnoDB;\n', file);
      expect(r.findings).toEqual([]);
      expect(r.migrations[0].coverage!.unanalysed[0].reason).toBe(`${reason}, so it is not read as a PostgreSQL migration`);
    }
    // A migration whose name only mentions a database later on is read: its name begins with its version.
    const named = await lintText('SELEC 1;\n', 'db/20240101_import_from_mysql.sql');
    expect(named.findings.map((f) => f.ruleId)).toEqual(['parse-error']);
    // The nearest folder naming a database decides (PostgreSQL's inside another's is read); a project named after one is read.
    for (const file of ['drizzle2/mysql/postgres/0000_init.sql', 'projects/mysql-knex/db/0000_init.sql']) {
      expect((await lintText('SELEC 1;\n', file)).findings.map((f) => f.ruleId)).toEqual(['parse-error']);
    }
  });
});
