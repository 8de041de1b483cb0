import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lint } from '../../../src/lint.js';
import { cleanupProjects, runCli, tempProject } from '../../helpers/cli.js';
import { ROOT } from '../python/helpers.js';

const APP = 'fixtures/ruby/rails-app';

afterEach(cleanupProjects);

describe('a Rails app', () => {
  it('reads db/migrate and engines\' db/migrate; strong_migrations start_after skips older migrations, listed', async () => {
    const result = await lint([APP], { cwd: ROOT });
    const byName = new Map(result.migrations.map((m) => [path.basename(m.path), m]));
    expect([...byName.keys()].sort()).toEqual([
      '20240101000000_create_products.rb',
      '20240301090000_add_sku_to_products.rb',
      '20240302090000_add_sku_index_concurrently.rb',
      '20240303090000_backfill_product_status.rb',
      '20240310090000_create_billing_invoices.rb',
    ]);
    expect(result.migrations.every((m) => m.format === 'rails')).toBe(true);
    const old = byName.get('20240101000000_create_products.rb')!;
    expect(old.up.statements).toEqual([]);
    expect(old.coverage?.unanalysed[0].reason).toMatch(/^skipped: at or before StrongMigrations\.start_after = 20240102000000/);
    expect(result.findings.map((f) => `${path.basename(f.file)} ${f.ruleId}@${f.range.start.line}`)).toEqual([
      '20240301090000_add_sku_to_products.rb require-concurrent-index@4',
      // IF NOT EXISTS would keep an INVALID index left by a failed build: it wants a DROP INDEX IF EXISTS first.
      '20240302090000_add_sku_index_concurrently.rb require-rerunnable-concurrent-index@5',
      '20240303090000_backfill_product_status.rb no-update-without-where@4',
    ]);
  });

  it('init detects it: the folders, the format, and strong_migrations\' target_version as pgVersion', async () => {
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(path.join(ROOT, APP, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else files[rel] = fs.readFileSync(path.join(ROOT, APP, rel), 'utf8');
      }
    };
    walk('.');
    const cwd = tempProject(files);
    const run = await runCli(['init'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/format: rails/);
    const config = JSON.parse(fs.readFileSync(path.join(cwd, '.migratelintrc.json'), 'utf8'));
    expect(config.include).toEqual(['engines/billing/db/migrate', 'db/migrate']);
    expect(config.pgVersion).toBe(15);
  });
});
