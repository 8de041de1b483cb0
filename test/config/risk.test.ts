import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { resolveRisk } from '../../src/stats/risk-settings.js';
import { DEFAULT_THROUGHPUTS } from '../../src/stats/estimate.js';
import { cleanupProjects, tempProject } from '../helpers/cli.js';

afterAll(cleanupProjects);

const load = (config: unknown, file = '.migratelintrc.json') => loadConfig({ cwd: tempProject({ [file]: JSON.stringify(config) }) });

describe('config: stats and risk', () => {
  it('resolves "stats" against the config file\'s folder', async () => {
    const cwd = tempProject({ 'ci/.migratelintrc.json': JSON.stringify({ stats: 'stats/snap.json' }) });
    const config = await loadConfig({ cwd, configFile: 'ci/.migratelintrc.json' });
    expect(config.stats).toBe(path.join(cwd, 'ci/stats/snap.json'));
  });

  it('takes sizes, durations and throughputs, and fills in the defaults', async () => {
    const config = await load({ risk: { small: '50MB', maxLock: '500ms', throughput: { scan: 80 } } });
    const settings = resolveRisk(config.risk);
    expect(settings).toEqual({
      smallBytes: 50 * 1024 ** 2,
      largeBytes: 1024 ** 3,
      maxLockSeconds: 0.5,
      throughput: { ...DEFAULT_THROUGHPUTS, scan: 80 },
    });
    expect(resolveRisk(undefined)).toMatchObject({ smallBytes: 10 * 1024 ** 2, maxLockSeconds: 5 });
  });

  it.each([
    [{ stats: 3 }, /^\.migratelintrc\.json:1: stats: expected the path of a stats snapshot/],
    [{ risk: 'high' }, /risk: expected an object such as/],
    [{ risk: { smal: '1MB' } }, /risk\.smal: unknown key \(expected one of: small, large, maxLock, throughput\)/],
    [{ risk: { small: '10 parsecs' } }, /risk\.small: expected a size such as "10MB" or "1GB", got "10 parsecs"/],
    [{ risk: { small: '2GB', large: '1GB' } }, /risk\.small: "2GB" is larger than risk\.large "1GB"/],
    [{ risk: { maxLock: 'soon' } }, /risk\.maxLock: expected a duration such as "5s"/],
    [{ risk: { throughput: { scan: 0 } } }, /risk\.throughput\.scan: expected MB per second, a number above 0, got number/],
    [{ risk: { throughput: { sort: 5 } } }, /risk\.throughput\.sort: unknown key/],
  ])('rejects %j in one line naming the key', async (config, expected) => {
    const err = await load(config).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(expected);
    expect((err as Error).message).not.toContain('\n');
  });
});
