import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, pinnedConfig, removeProject, writeProject } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * A copy of the package as an npm install or the action's checkout has it: sources,
 * package.json, and dist/src unbundled (so the bin runs dist/src, as in the action), with
 * the dependencies linked, not installed. dist/src is the work tree's, which `npm test`
 * compiles first (pretest); only without it is the copy compiled here (a minute of tsc).
 * Never touches the work tree's own dist/.
 */
function packageCopy(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-pkg-')));
  for (const entry of ['package.json', 'tsconfig.json', '.npmrc', 'bin', 'scripts', 'src', 'rules']) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  if (fs.existsSync(path.join(ROOT, 'dist/src/cli/main.js'))) {
    fs.cpSync(path.join(ROOT, 'dist/src'), path.join(dir, 'dist/src'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist/rules'), path.join(dir, 'dist/rules'), { recursive: true });
  } else {
    // tsc still emits when some other file has a type error; the CLI is what matters here.
    spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: 'pipe' });
  }
  expect(fs.existsSync(path.join(dir, 'dist/src/cli/main.js'))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'dist/bundle'))).toBe(false);
  return dir;
}

/** Checks a value against the hook-manifest keys pre-commit accepts. */
const MANIFEST_KEYS = new Set([
  'id', 'name', 'entry', 'language', 'alias', 'files', 'exclude', 'types', 'types_or', 'exclude_types',
  'additional_dependencies', 'args', 'always_run', 'fail_fast', 'pass_filenames', 'description',
  'language_version', 'log_file', 'minimum_pre_commit_version', 'require_serial', 'stages', 'verbose',
]);

describe('CI integration', () => {
  let pkg: string;
  const projects: string[] = [];
  beforeAll(() => {
    pkg = packageCopy();
  }, 120_000);
  afterAll(() => {
    removeProject(pkg);
    for (const p of projects) removeProject(p);
  });
  const project = (files: Record<string, string>) => {
    const dir = writeProject(files);
    projects.push(dir);
    return dir;
  };
  const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(pkg, 'bin/migratelint.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  describe('pre-commit hook', () => {
    const manifest = parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    const hook = manifest[0];
    // The pattern uses only syntax Python's `re` and JavaScript read the same way.
    const files = new RegExp(hook.files);

    it('declares one node hook that runs `migratelint lint` on the staged files, all in one process', () => {
      expect(manifest).toHaveLength(1);
      for (const key of Object.keys(hook)) expect(MANIFEST_KEYS.has(key), key).toBe(true);
      expect(hook).toMatchObject({ id: 'migratelint', name: 'migratelint', language: 'node', entry: 'migratelint lint', pass_filenames: true, require_serial: true });
      expect(Object.keys(PKG.bin)).toContain('migratelint');
    });

    it('selects migrations by folder: SQL where migration tools keep it, code in migrations/ or versions/', () => {
      const yes = [
        'migrations/20240101_init.sql',
        'db/migrations/20240101120000_add_users.sql',
        'db/migrate/20240101_x.sql',
        'src/main/resources/db/migration/V1__init.sql',
        'prisma/migrations/20240101_init/migration.sql',
        'migrations/00001_create/up.sql',
        'drizzle/0000_brave_hulk.sql',
        'app/migrations/0001_initial.py',
        'alembic/versions/3f2a_add_users.py',
        'src/migrations/1700000000000-AddUsers.ts',
        'migrations/20240101_add.js',
        'db/migrations/20240101_add.cjs',
      ];
      const no = ['schema.sql', 'db/seeds/users.sql', 'queries/report.sql', 'app/models.py', 'src/index.ts', 'migrations/README.md', 'migrations.sql', 'versions/notes.txt'];
      for (const f of yes) expect(files.test(f), f).toBe(true);
      for (const f of no) expect(files.test(f), f).toBe(false);
    });

    it('fails the commit on hazards in the staged migrations and passes a clean one', () => {
      const dir = project({
        ...PROJECT,
        ...pinnedConfig(),
        'migrations/20240105120000_add_orders.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
        'migrations/20240105120000_add_orders.down.sql': 'DROP TABLE orders;\n',
      });
      const staged = [...Object.keys(PROJECT), 'migrations/20240105120000_add_orders.up.sql', '.migratelintrc.json', 'README.md'].filter((f) => files.test(f));
      expect(staged).toEqual([...Object.keys(PROJECT), 'migrations/20240105120000_add_orders.up.sql']);
      const [cmd, ...args] = hook.entry.split(' ');
      expect(cmd).toBe('migratelint');
      const bad = cli([...args, ...staged], dir);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain('DELETE FROM users has no WHERE clause');
      // Only the up half was staged: its down half is read from disk (3 files), so no missing-down finding.
      const good = cli([...args, 'migrations/20240103120000_create_teams.sql', 'migrations/20240105120000_add_orders.up.sql'], dir);
      expect(good.stderr).toBe('');
      expect(good.stdout).toBe('✔ no problems in 3 files\n');
      expect(good.status).toBe(0);
    });

    it('lints staged code migrations (Django, TypeORM) and passes over helper modules', () => {
      const dir = project({
        ...pinnedConfig(),
        'app/migrations/__init__.py': '',
        'app/migrations/0002_purge.py': [
          'from django.db import migrations',
          '',
          'class Migration(migrations.Migration):',
          '    dependencies = [("app", "0001_initial")]',
          '    operations = [migrations.RunSQL("DELETE FROM users;", reverse_sql=migrations.RunSQL.noop)]',
          '',
        ].join('\n'),
        'src/migrations/1700000000000-AddIndex.ts': [
          "import { MigrationInterface, QueryRunner } from 'typeorm';",
          'export class AddIndex1700000000000 implements MigrationInterface {',
          "  async up(q: QueryRunner) { await q.query('CREATE INDEX i ON users (email)'); }",
          "  async down(q: QueryRunner) { await q.query('DROP INDEX i'); }",
          '}',
          '',
        ].join('\n'),
      });
      const staged = ['app/migrations/__init__.py', 'app/migrations/0002_purge.py', 'src/migrations/1700000000000-AddIndex.ts', 'app/models.py'].filter((f) => files.test(f));
      expect(staged).toEqual(['app/migrations/__init__.py', 'app/migrations/0002_purge.py', 'src/migrations/1700000000000-AddIndex.ts']);
      const res = cli(['lint', '--format', 'compact', ...staged], dir);
      expect(res.stderr).toBe('');
      expect(res.stdout).toBe(
        'app/migrations/0002_purge.py:5:38: error: DELETE FROM users has no WHERE clause: it removes every row [no-delete-without-where]\n' +
          'src/migrations/1700000000000-AddIndex.ts:3:45: error: CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built [require-concurrent-index]\n',
      );
      expect(res.status).toBe(1);
    });

    it('installs the way pre-commit does it: `npm pack` prints nothing but the tarball name', () => {
      // pre-commit runs `npm pack` in the hook repository and installs the file named by
      // its whole stdout; npm prints lifecycle-script banners (`> migratelint@x prepare`)
      // and the scripts' own output there too unless scripts run in the background
      // (.npmrc). The real `prepare` (tsc and the bundle, a minute or two) is what
      // `npm test` runs first anyway: here one that prints on stdout stands in for it.
      const original = fs.readFileSync(path.join(pkg, 'package.json'), 'utf8');
      const manifest = JSON.parse(original);
      expect(manifest.scripts.prepare).toBeDefined();
      manifest.scripts.prepare = `node -e "console.log('prepare ran')"`;
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(manifest, null, 2));
      try {
        const out = execFileSync('npm', ['pack', '--dry-run'], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        expect(out.trim()).toBe(`migratelint-${PKG.version}.tgz`);
      } finally {
        fs.writeFileSync(path.join(pkg, 'package.json'), original);
      }
    }, 30_000);
  });

  describe('GitHub Action', () => {
    const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    const steps: { name: string; id?: string; uses?: string; run?: string; env?: Record<string, string>; 'working-directory'?: string }[] = action.runs.steps;

    /** `${{ inputs.x }}` and `${{ github.action_path }}` as the runner fills them in. */
    function expand(value: string, inputs: Record<string, string>): string {
      return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
        if (expr === 'github.action_path') return pkg;
        const m = /^inputs\.([\w-]+)$/.exec(expr);
        if (!m) throw new Error(`unexpected expression ${expr}`);
        expect(Object.hasOwn(action.inputs, m[1]), m[1]).toBe(true);
        return inputs[m[1]] ?? String(action.inputs[m[1]].default ?? '');
      });
    }

    /** Runs one `run` step the way GitHub runs a composite bash step. */
    function runStep(stepName: string, cwd: string, inputs: Record<string, string> = {}) {
      const step = steps.find((s) => s.name === stepName)!;
      expect(step.run).toBeDefined();
      // Inputs must come in through env only: a `${{ }}` inside the script would be spliced in as shell text.
      expect(step.run).not.toContain('${{');
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-gha-'));
      projects.push(scratch);
      const script = path.join(scratch, 'step.sh');
      const outputFile = path.join(scratch, 'output');
      const summaryFile = path.join(scratch, 'summary.md');
      fs.writeFileSync(script, step.run!);
      fs.writeFileSync(outputFile, '');
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: os.homedir(), GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, NO_COLOR: '1' };
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
      const dir = step['working-directory'] ? expand(step['working-directory'], inputs) : cwd;
      const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: dir, env, encoding: 'utf8' });
      const outputs = Object.fromEntries(
        fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '';
      return { status: res.status, stdout: res.stdout, stderr: res.stderr, outputs, summary };
    }

    it('is a composite action whose outputs come from the lint step', () => {
      expect(action.runs.using).toBe('composite');
      expect(steps[0].uses).toMatch(/^actions\/setup-node@v\d+$/);
      for (const input of ['paths', 'format', 'output', 'config', 'fail-on']) expect(Object.hasOwn(action.inputs, input), input).toBe(true);
      expect(action.inputs.format.default).toBe('sarif');
      for (const [name, out] of Object.entries(action.outputs as Record<string, { value: string }>)) {
        expect(out.value, name).toBe(`\${{ steps.lint.outputs.${name} }}`);
      }
      expect(steps.find((s) => s.id === 'lint')).toBeDefined();
    });

    it('installs from its own checkout once dist/ is built', () => {
      const res = runStep('Install migratelint', pkg);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      expect(res.stdout.trim()).toBe(PKG.version);
    });

    it('writes SARIF, annotations and a job summary, sets the counts, and fails on errors', () => {
      const dir = project({ ...PROJECT, ...pinnedConfig() });
      const res = runStep('Lint migrations', dir, { paths: 'migrations' });
      expect(res.status).toBe(1);
      const report = path.join(dir, 'migratelint.sarif');
      expect(res.outputs).toMatchObject({ 'exit-code': '1', 'report-file': report, 'sarif-file': report });
      expect(res.outputs).toMatchObject({ errors: '3', warnings: '1', findings: '4' });
      const sarif = JSON.parse(fs.readFileSync(report, 'utf8'));
      expect(sarif.runs[0].results).toHaveLength(Number(res.outputs.findings));
      const annotations = res.stdout.split('\n').filter((l) => /^::(error|warning) /.test(l));
      expect(annotations).toHaveLength(Number(res.outputs.findings));
      expect(res.stdout).toContain(`::error file=${path.join(dir, 'migrations/20240101120000_add_users_index.sql')},line=3,`);
      expect(res.summary).toContain('### migratelint');
      expect(res.summary).toContain('no-delete-without-where');
    });

    it('reports without failing when fail-on is never, and fails on warnings when it is warn', () => {
      const dir = project({ ...PROJECT, ...pinnedConfig() });
      const never = runStep('Lint migrations', dir, { paths: 'migrations', 'fail-on': 'never', annotations: 'false', summary: 'false' });
      expect(never.status).toBe(0);
      expect(never.outputs['exit-code']).toBe('1');
      expect(never.stdout).not.toMatch(/^::error /m);
      expect(never.summary).toBe('');

      const warnOnly = project({
        ...pinnedConfig({ 'unused-disable': 'warn' }),
        'migrations/20240101_a.sql': '-- migratelint-disable-next-line no-truncate-cascade\nCREATE TABLE a (id bigint);\n',
      });
      const lenient = runStep('Lint migrations', warnOnly, { paths: 'migrations', format: 'json', output: 'out/report.json' });
      expect(lenient.outputs).toMatchObject({ errors: '0', warnings: '1', 'exit-code': '0', 'sarif-file': '' });
      expect(lenient.status).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(warnOnly, 'out/report.json'), 'utf8')).summary.warnings).toBe(1);
      const strict = runStep('Lint migrations', warnOnly, { paths: 'migrations', 'fail-on': 'warn' });
      expect(strict.status).toBe(1);
    });

    it('takes one path per line, spaces and all, and passes no input to the shell as code', () => {
      const dir = project({ ...pinnedConfig(), 'db migrations/20240101_a.sql': 'DELETE FROM t;\n', 'other/20240101_b.sql': 'SELECT 1;\n' });
      const res = runStep('Lint migrations', dir, { paths: 'db migrations\nother/$(touch pwned)\n', annotations: 'false' });
      expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false);
      // The odd path does not exist: a usage error, which fails the step whatever fail-on says.
      expect(res.status).toBe(2);
      expect(res.stderr).toContain('other/$(touch pwned): no such file or directory');

      const ok = runStep('Lint migrations', dir, { paths: 'db migrations\nother\n', 'fail-on': 'never' });
      expect(ok.status).toBe(0);
      expect(ok.outputs.errors).toBe('1');
    });

    it('rejects a fail-on it does not know', () => {
      const dir = project(PROJECT);
      const res = runStep('Lint migrations', dir, { paths: 'migrations', 'fail-on': 'sometimes' });
      expect(res.status).toBe(2);
      expect(res.stdout).toContain('::error title=migratelint::the fail-on input must be error, warn or never, got "sometimes"');
    });
  });
});
