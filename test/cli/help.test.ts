import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { commands } from '../../src/cli/commands.js';
import { commandHelp } from '../../src/cli/command-help.js';
import * as args from '../../src/cli/args.js';

afterEach(cleanupProjects);

/** The flags a command declares, caught on their way into the argument parser. */
async function declaredFlags(command: string): Promise<string[]> {
  const spy = vi.spyOn(args, 'parseCommandArgs');
  try {
    await runCli([command, '--surely-not-a-flag'], { cwd: tempProject({}) });
    const options = spy.mock.calls.at(-1)?.[1] ?? {};
    return Object.keys(options).map((name) => `--${name}`);
  } finally {
    spy.mockRestore();
  }
}

describe('help everywhere', () => {
  it('bare migratelint prints the help and exits 0', async () => {
    const run = await runCli([], { cwd: tempProject({}) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^migratelint: lint database migrations/);
    expect(run.stdout).toMatch(/migratelint <command> --help/);
  });

  it('every command has help', () => {
    expect(Object.keys(commandHelp).sort()).toEqual(Object.keys(commands).sort());
  });

  it.each(Object.keys(commands))('migratelint %s --help: usage, every flag it takes, an example; exit 0', async (command) => {
    const cwd = tempProject({});
    for (const ask of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const run = await runCli(ask, { cwd });
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(new RegExp(`^Usage: migratelint ${command}\\b`));
      expect(run.stdout).toMatch(/^Examples?:\n {2}migratelint /m);
    }
    const help = (await runCli([command, '--help'], { cwd })).stdout;
    // comment passes lint's flags on to lint, and says so rather than listing them.
    if (command === 'comment') return expect(help).toMatch(/every option of `migratelint lint`/);
    const undocumented = (await declaredFlags(command)).filter((flag) => !help.includes(flag));
    expect(undocumented).toEqual([]);
  });

  it('help does not run the command (explain --help is not a rule id, lint --help lints nothing)', async () => {
    const cwd = tempProject({ 'a.sql': 'DELETE FROM t;' });
    const explain = await runCli(['explain', '--help'], { cwd });
    expect([explain.code, explain.stderr]).toEqual([0, '']);
    const lint = await runCli(['lint', 'a.sql', '--help'], { cwd });
    expect(lint.code).toBe(0);
    expect(lint.stdout).not.toMatch(/DELETE/);
  });
});

describe('did you mean', () => {
  it.each([
    [['lintt'], /^migratelint: unknown command "lintt": did you mean "lint"\?\n$/],
    [['valdiate'], /did you mean "validate"\?/],
    [['frobnicate', 'x'], /^migratelint: unknown command "frobnicate" \(see: migratelint --help\)\n$/],
    [['help', 'lnt'], /unknown command "lnt": did you mean "lint"\?/],
    [['lint', 'a.sql', '--formt', 'json'], /^migratelint: Unknown option '--formt': did you mean '--format'\?\n$/],
    [['lint', 'a.sql', '--chnged-since', 'main'], /did you mean '--changed-since'\?/],
    [['validate', '--no-trail'], /did you mean '--no-trial'\?/],
    [['apply', '--dryrun'], /did you mean '--dry-run'\?/],
    [['lint', 'a.sql', '--zzzzzz'], /^migratelint: Unknown option '--zzzzzz' \(see: migratelint lint --help\)\n$/],
    [['explain', 'require-concurent-index'], /^migratelint: unknown rule "require-concurent-index": did you mean "require-concurrent-index"\?\n$/],
    [['explain', 'nothing-like-it-at-all'], /unknown rule "nothing-like-it-at-all" \(see: migratelint rules\)/],
    [['lint', 'a.sql', '--rule', 'no-delete-without-wher:off'], /unknown rule "no-delete-without-wher": did you mean "no-delete-without-where"\?/],
    [['lint', 'a.sql', '--rule', 'no-delete-without-where:of'], /unknown severity "of" \(expected off, warn or error\): did you mean "off"\?/],
    [['lint', 'a.sql', '--rule', 'no-delete-without-where'], /--rule expects id:severity/],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, { cwd: tempProject({ 'a.sql': 'SELECT 1;' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a config rules: key gets the nearest rule id too', async () => {
    const cwd = tempProject({ 'a.sql': 'SELECT 1;', '.migratelintrc.json': '{ "rules": { "prefer-jsnb": "off" } }' });
    const run = await runCli(['lint', 'a.sql'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/rules\.prefer-jsnb: unknown rule \(did you mean "prefer-jsonb"\?\)/);
  });
});

describe('every command rejects flags it does not take', () => {
  // comment needs a pull request to comment on before it parses lint's flags.
  const pullRequest = () => {
    const cwd = tempProject({ 'event.json': '{ "pull_request": { "number": 7 } }' });
    return { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_PATH: `${cwd}/event.json`, GITHUB_API_URL: 'http://127.0.0.1:9' } };
  };

  it.each(Object.keys(commands))('%s --surely-not-a-flag: exit 2, one line', async (command) => {
    const run = await runCli([command, '--surely-not-a-flag'], pullRequest());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^migratelint: Unknown option '--surely-not-a-flag'/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rules and explain take no stray arguments', async () => {
    const cwd = tempProject({});
    expect((await runCli(['rules', 'extra'], { cwd })).code).toBe(2);
    expect((await runCli(['explain', 'prefer-jsonb', 'prefer-timestamptz'], { cwd })).code).toBe(2);
  });
});

describe('--rule id:severity', () => {
  const files = { 'db/1_a.sql': 'DELETE FROM t;\nCREATE INDEX i ON t (a);\n' };
  const rulesOf = (stdout: string) => JSON.parse(stdout).findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`);

  it('overrides the config, is repeatable, and the last one for a rule wins', async () => {
    const cwd = tempProject({ ...files, '.migratelintrc.json': '{ "rules": { "no-delete-without-where": "warn" } }' });
    const base = await runCli(['lint', 'db', '-f', 'json'], { cwd });
    expect(rulesOf(base.stdout)).toEqual(['no-delete-without-where:warn', 'require-concurrent-index:error']);
    const run = await runCli(['lint', 'db', '-f', 'json', '--rule', 'no-delete-without-where:error', '--rule', 'require-concurrent-index:warn', '--rule', 'require-concurrent-index:off'], { cwd });
    expect(rulesOf(run.stdout)).toEqual(['no-delete-without-where:error']);
    expect(run.code).toBe(1);
    const quiet = await runCli(['lint', 'db', '--rule', 'no-delete-without-where:off', '--rule', 'require-concurrent-index:warn'], { cwd });
    expect(quiet.code).toBe(0);
  });

  it('applies to validate and baseline as well', async () => {
    const cwd = tempProject(files);
    const validate = await runCli(['validate', 'db', '--no-trial', '-f', 'json', '--rule', 'no-delete-without-where:off', '--rule', 'require-concurrent-index:off'], { cwd });
    expect(JSON.stringify(JSON.parse(validate.stdout))).not.toMatch(/no-delete-without-where|require-concurrent-index/);
    const baseline = await runCli(['baseline', 'db', '--rule', 'require-concurrent-index:off'], { cwd });
    expect(baseline.stdout).toMatch(/recorded 1 finding/);
  });
});
