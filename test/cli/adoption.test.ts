import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

describe('baseline', () => {
  it('hides recorded findings, survives lines moving, reports new ones and stale entries', async () => {
    const cwd = tempProject({
      'db/001_a.sql': 'DELETE FROM a;\nCREATE INDEX i ON t (x);\n',
      'db/002_b.sql': 'UPDATE b SET x = 1;\n',
    });
    const recorded = await runCli(['baseline', 'db'], { cwd });
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/recorded 3 findings in 2 files to \.migratelint-baseline\.json/);
    const baseline = JSON.parse(fs.readFileSync(path.join(cwd, '.migratelint-baseline.json'), 'utf8'));
    expect(baseline.findings.map((e: { ruleId: string; file: string }) => [e.ruleId, e.file])).toEqual([
      ['no-delete-without-where', 'db/001_a.sql'],
      ['require-concurrent-index', 'db/001_a.sql'],
      ['no-update-without-where', 'db/002_b.sql'],
    ]);

    expect((await runCli(['lint', 'db'], { cwd })).code).toBe(0);

    // Lines shift, one old finding is fixed, one new one appears.
    fs.writeFileSync(path.join(cwd, 'db/001_a.sql'), '-- header\n\nDELETE FROM a;\nCREATE INDEX CONCURRENTLY i ON t (x);\n');
    fs.writeFileSync(path.join(cwd, 'db/003_c.sql'), 'TRUNCATE c CASCADE;\n');
    const run = await runCli(['lint', 'db', '-f', 'json'], { cwd });
    const out = JSON.parse(run.stdout);
    expect(out.findings.map((f: { ruleId: string; file: string }) => [f.ruleId, f.file])).toEqual([['no-truncate-cascade', path.join('db', '003_c.sql')]]);
    expect(out.baseline.suppressed).toBe(2);
    expect(out.baseline.stale.map((e: { ruleId: string }) => e.ruleId)).toEqual(['require-concurrent-index']);
    expect(run.code).toBe(1);

    const text = await runCli(['lint', 'db'], { cwd });
    expect(text.stdout).toMatch(/2 known findings hidden by \.migratelint-baseline\.json/);
    expect(text.stdout).toMatch(/1 entry of \.migratelint-baseline\.json no longer match/);
  });

  it('a second identical finding in the same file is new, not hidden by the first one\'s entry', async () => {
    const cwd = tempProject({ 'a.sql': 'DELETE FROM a;\n' });
    await runCli(['baseline', 'a.sql'], { cwd });
    fs.writeFileSync(path.join(cwd, 'a.sql'), 'DELETE FROM a;\nDELETE FROM a;\n');
    const out = JSON.parse((await runCli(['lint', 'a.sql', '-f', 'json'], { cwd })).stdout);
    expect(out.findings).toHaveLength(1);
  });

  it('a named baseline that does not exist is an error; a broken one too', async () => {
    const cwd = tempProject({ 'a.sql': 'SELECT 1;', 'bad.json': '{"x":1}' });
    const missing = await runCli(['lint', 'a.sql', '--baseline', 'nope.json'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: baseline file not found/);
    const broken = await runCli(['lint', 'a.sql', '--baseline', 'bad.json'], { cwd });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad\.json: not a migratelint baseline/);
  });
});

describe('init', () => {
  it('detects the migrations folder and format and writes a config that lint then uses', async () => {
    const cwd = tempProject({
      'package.json': '{ "name": "app", "devDependencies": {} }',
      'db/migrations/20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id bigint);\n-- migrate:down\nDROP TABLE users;\n',
      'src/app.ts': 'export {}',
    });
    const run = await runCli(['init'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/migrations: db\/migrations/);
    expect(run.stdout).toMatch(/format: dbmate/);
    const config = JSON.parse(fs.readFileSync(path.join(cwd, '.migratelintrc.json'), 'utf8'));
    expect(config).toEqual({ extends: 'migratelint:recommended', include: ['db/migrations'], pgVersion: 15, failOn: 'error' });
    const lint = await runCli(['lint'], { cwd });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(/no problems in 1 file/);
    const again = await runCli(['init'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/\.migratelintrc\.json already exists/);
  });

  it('finds Django app folders next to manage.py', async () => {
    const cwd = tempProject({
      'manage.py': '',
      'shop/migrations/__init__.py': '',
      'shop/migrations/0001_initial.py': 'from django.db import migrations\nclass Migration(migrations.Migration):\n    operations = []\n',
    });
    const run = await runCli(['init'], { cwd });
    expect(JSON.parse(fs.readFileSync(path.join(cwd, '.migratelintrc.json'), 'utf8')).include).toEqual(['shop/migrations']);
    expect(run.code).toBe(0);
  });
});

describe('print-config', () => {
  it('shows the effective config for one file', async () => {
    const cwd = tempProject({
      '.migratelintrc.yaml': 'extends: migratelint:strict\npgVersion: 13\nexclude: [db/old/**]\ntransaction: { golang-migrate: false }\nrules:\n  no-drop-cascade: [warn, {}]\n',
      'db/001_a.up.sql': 'SELECT 1;',
      'db/old/000_x.sql': 'SELECT 1;',
    });
    const run = await runCli(['print-config', 'db/001_a.up.sql'], { cwd });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      file: path.join('db', '001_a.up.sql'),
      configFile: '.migratelintrc.yaml',
      linted: true,
      format: 'golang-migrate',
      pgVersion: 13,
      transaction: false,
      preset: 'migratelint:strict',
    });
    expect(out.rules['no-drop-cascade']).toBe('warn');
    const old = JSON.parse((await runCli(['print-config', 'db/old/000_x.sql'], { cwd })).stdout);
    expect(old.linted).toBe(false);
  });
});
