import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.js';
import { reporters } from '../../src/report/index.js';
import { PROJECT, lintProject, pinnedConfig, removeProject, writeProject } from './fixtures.js';

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'markdown', 'junit', 'compact'];

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const io: Io = { stdout: out, stderr: err, stdin: new PassThrough(), env: { NO_COLOR: '1' }, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('reporter registry', () => {
  it('offers every format by name', () => {
    expect(Object.keys(reporters).sort()).toEqual([...FORMATS].sort());
  });

  it('gives each reporter a string ending in a newline, or nothing for the line formats on a clean run', async () => {
    const { cwd, result } = await lintProject();
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
      for (const name of FORMATS) {
        const out = reporters[name](result, { cwd, toolVersion: '1.2.3', color: false });
        expect(out.length, name).toBeGreaterThan(0);
        expect(out.endsWith('\n'), name).toBe(true);
        const empty = reporters[name](clean.result, { cwd: clean.cwd, toolVersion: '1.2.3', color: false });
        if (name === 'github' || name === 'compact') expect(empty).toBe('');
        else expect(empty.endsWith('\n'), name).toBe(true);
      }
    } finally {
      removeProject(cwd);
      removeProject(clean.cwd);
    }
  });
});

describe('migratelint lint --format', () => {
  let cwd: string;
  beforeAll(() => {
    // A config file pins the rules, so the run does not depend on the catalog growing.
    cwd = writeProject({ ...PROJECT, ...pinnedConfig() });
  });
  afterAll(() => removeProject(cwd));

  for (const format of FORMATS) {
    it(`writes the ${format} report to stdout and to --output`, async () => {
      const toStdout = await run(['lint', '--format', format, 'migrations'], cwd);
      expect(toStdout.stderr).toBe('');
      expect(toStdout.code).toBe(1);
      expect(toStdout.stdout).toContain(format === 'github' ? '::error file=' : 'no-delete-without-where');

      const file = `reports/out.${format}`;
      const toFile = await run(['lint', '-f', format, '-o', file, 'migrations'], cwd);
      expect(toFile.code).toBe(1);
      expect(toFile.stdout).toBe('');
      expect(fs.readFileSync(path.join(cwd, file), 'utf8')).toBe(toStdout.stdout);
    });
  }

  it('names the formats when an unknown one is asked for', async () => {
    const res = await run(['lint', '--format', 'nope', 'migrations'], cwd);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`migratelint: unknown format "nope" (expected one of: ${FORMATS.join(', ')})\n`);
  });
});
