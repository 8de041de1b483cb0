/**
 * The production guard (`protect:`): which targets it matches, and that apply, rollback,
 * restore and repair on such a target need a typed database name on a terminal or
 * --yes --i-know-this-is-production elsewhere, and never take --force.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { guardProtected, protectedMatch, targetHosts } from '../../src/exec/protect.js';
import { parseDbTarget } from '../../src/exec/url.js';
import { cleanupTempDirs, cli, workspace } from './helpers/env.js';

const NO_ENV_DB = { MIGRATELINT_DB: '', DATABASE_URL: '', PGHOST: '' };
const target = (url: string, env: NodeJS.ProcessEnv = {}) => parseDbTarget(url, '/', env);

afterAll(() => cleanupTempDirs());

describe('protectedMatch', () => {
  it('matches host globs against every host of the URL, without port or brackets, ignoring case', () => {
    const patterns = ['*.prod.example.com', '10.0.4.*', '::1'];
    expect(protectedMatch(target('postgres://app:s3cret@DB1.Prod.Example.com:5432/app'), patterns)).toEqual({ pattern: '*.prod.example.com', matched: 'db1.prod.example.com' });
    expect(protectedMatch(target('postgres://app@/app?host=replica,10.0.4.17'), patterns)?.matched).toBe('10.0.4.17');
    expect(protectedMatch(target('postgres://app@[::1]:5432/app'), patterns)?.pattern).toBe('::1');
    expect(protectedMatch(target('postgres://app@db1.staging.example.com/app'), patterns)).toBeUndefined();
    expect(protectedMatch(target('postgres://app@prod.example.com.evil.test/app'), patterns)).toBeUndefined();
  });

  it('takes the host from ?host= and from PGHOST for postgres:, and never matches PGlite', () => {
    expect(targetHosts(target('postgres:///app?host=db.prod.example.com'))).toEqual(['db.prod.example.com']);
    const env = { PGHOST: 'db9.prod.example.com', PGDATABASE: 'app' };
    expect(protectedMatch(target('postgres:', env), ['*.prod.example.com'], env)?.matched).toBe('db9.prod.example.com');
    expect(protectedMatch(target('pglite:memory'), ['*'])).toBeUndefined();
  });

  it('matches URL patterns against the shown URL, with or without the masked password, never the password itself', () => {
    const t = target('postgres://deploy:hunter2@10.0.4.9:5432/billing');
    expect(protectedMatch(t, ['postgres://deploy@10.0.4.*/billing'])?.matched).toBe('postgres://deploy@10.0.4.9:5432/billing');
    expect(protectedMatch(t, ['postgres://*/billing'])).toBeDefined();
    expect(protectedMatch(t, ['postgres://*hunter2*'])).toBeUndefined();
    expect(protectedMatch(t, ['postgres://*/payments'])).toBeUndefined();
  });
});

describe('guardProtected', () => {
  const prod = target('postgres://deploy@db.prod.example.com/billing');
  const base = { target: prod, patterns: ['*.prod.example.com'], action: 'apply migrations', yes: false, iKnowProduction: false, force: false };

  it('asks for the database name on a terminal and goes on only when it is typed', async () => {
    const asked: string[] = [];
    await expect(guardProtected({ ...base, ask: async (q) => (asked.push(q), 'billing') })).resolves.toMatchObject({ pattern: '*.prod.example.com' });
    expect(asked[0]).toContain('type the database name (billing)');
    await expect(guardProtected({ ...base, ask: async () => 'y' })).rejects.toThrow('cancelled: the name did not match; nothing was changed');
    // --yes alone is not enough on a terminal either.
    await expect(guardProtected({ ...base, yes: true, ask: async () => '' })).rejects.toThrow('cancelled');
  });

  it('lets nothing through without a terminal unless both --yes and --i-know-this-is-production are given', async () => {
    await expect(guardProtected({ ...base, yes: true })).rejects.toThrow(/refusing to apply migrations: postgres:\/\/deploy@db\.prod\.example\.com\/billing is protected \(protect: "\*\.prod\.example\.com"\)/);
    await expect(guardProtected({ ...base, iKnowProduction: true })).rejects.toThrow('refusing');
    await expect(guardProtected({ ...base, yes: true, iKnowProduction: true })).resolves.toBeDefined();
    await expect(guardProtected({ ...base, yes: true, iKnowProduction: true, force: true })).rejects.toThrow('--force is not allowed on a protected database');
  });

  it('leaves unprotected targets alone', async () => {
    await expect(guardProtected({ ...base, target: target('postgres://deploy@db.staging.example.com/billing'), force: true })).resolves.toBeUndefined();
  });
});

describe('protected targets on the command line', () => {
  // Nothing listens on 127.0.0.1:1, so a command that gets past the guard fails to connect.
  const URL = 'postgres://deploy:pw@127.0.0.1:1/billing';
  const CONFIG = { '.migratelintrc.yml': 'protect:\n  - "127.0.0.*"\n' };

  it('refuses apply, rollback, restore and repair without the production flag, before connecting', async () => {
    const ws = workspace(CONFIG);
    for (const args of [
      ['apply', '--db', URL, '--yes'],
      ['rollback', '--db', URL, '--yes'],
      ['restore', 'some.dump', '--db', URL, '--yes'],
      ['restore', '--undo', '--db', URL],
      ['repair', '0001', '--applied', '--reason', 'fixed by hand', '--db', URL, '--yes'],
    ]) {
      const r = await cli(args, ws, NO_ENV_DB);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/refusing to [a-z ]+[^\n]*: postgres:\/\/deploy:\*\*\*\*@127\.0\.0\.1:1\/billing is protected \(protect: "127\.0\.0\.\*"\)/);
      expect(r.stderr).toContain('--yes --i-know-this-is-production');
      expect(r.stderr).not.toContain('cannot connect');
    }
  });

  it('goes on with --yes --i-know-this-is-production, and refuses --force there (exit 2)', async () => {
    const ws = workspace(CONFIG);
    let r = await cli(['apply', '--db', URL, '--yes', '--i-know-this-is-production'], ws, NO_ENV_DB);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is protected (protect: "127.0.0.*"): confirmed');
    expect(r.stderr).toContain('cannot connect to postgres://deploy:****@127.0.0.1:1/billing');
    r = await cli(['apply', '--db', URL, '--yes', '--i-know-this-is-production', '--force'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--force is not allowed on a protected database');
    r = await cli(['rollback', '--db', URL, '--yes', '--i-know-this-is-production', '--force'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
  });

  it('lets a dry run and read-only commands through, and other hosts too', async () => {
    const ws = workspace(CONFIG);
    let r = await cli(['apply', '--db', URL, '--dry-run'], ws, NO_ENV_DB);
    expect(r.stderr).not.toContain('protected');
    expect(r.stderr).toContain('cannot connect');
    r = await cli(['status', '--db', URL], ws, NO_ENV_DB);
    expect(r.stderr).not.toContain('protected');
    const other = workspace({ '.migratelintrc.yml': 'protect:\n  - "*.prod.example.com"\n' });
    r = await cli(['apply', '--db', URL, '--yes'], other, NO_ENV_DB);
    expect(r.stderr).not.toContain('protected');
    expect(r.stderr).toContain('cannot connect');
  });

  it('asks for the database name on a terminal', async () => {
    const ws = workspace(CONFIG);
    const r = await cli(['apply', '--db', URL], ws, NO_ENV_DB, { answer: 'wrong', prompt: 'type the database name' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('type the database name (billing)');
    expect(r.stderr).toContain('cancelled: the name did not match; nothing was changed');
  });
});
