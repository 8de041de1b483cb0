import { describe, expect, it } from 'vitest';
import type { ExecMigration } from '../../src/exec/migrations.js';
import { withoutRunTimeValues } from '../../src/validate/trial-runtime-values.js';
import { lintCode } from '../frontends/typescript/helpers.js';

/** What the trial runs of a code migration's up, and what it leaves out for want of run-time values. */
async function split(code: string, file = '20240101000000-m.js') {
  const { migration } = await lintCode(code, file);
  const em = { id: 'm', file, migration } as unknown as ExecMigration;
  const { em: kept, leftOut } = withoutRunTimeValues(em);
  return { runs: kept.migration.up.statements.map((s) => s.text), leftOut: leftOut.map((l) => l.statement.text) };
}

describe('statements whose values come at run time', () => {
  it("leaves out a template literal's ${value} inside a quoted string, keeps the rest", async () => {
    const r = await split(`module.exports = { up: async (qi) => {
  const [teams] = await qi.sequelize.query('SELECT * FROM teams');
  for (const teamId of teams) {
    await qi.sequelize.query(\`UPDATE users SET "isAdmin" = true WHERE "teamId" = '\${teamId}'\`);
  }
  await qi.sequelize.query('UPDATE users SET "isAdmin" = false WHERE "isAdmin" IS NULL');
} };`);
    expect(r.runs).toEqual(['SELECT * FROM teams', 'UPDATE users SET "isAdmin" = false WHERE "isAdmin" IS NULL']);
    expect(r.leftOut).toEqual([`UPDATE users SET "isAdmin" = true WHERE "teamId" = '\${teamId}'`]);
  });

  it('leaves out a builder call whose value the code computes (a default from process.env)', async () => {
    const r = await split(`module.exports = { up: async (qi, Sequelize) => {
  await qi.addColumn('users', 'language', { type: Sequelize.STRING, defaultValue: process.env.DEFAULT_LANGUAGE });
  await qi.addColumn('users', 'theme', { type: Sequelize.STRING, defaultValue: 'light' });
} };`);
    expect(r.leftOut).toEqual(['ALTER TABLE "users" ADD COLUMN "language" VARCHAR(255) DEFAULT "${process.env.DEFAULT_LANGUAGE}"']);
    expect(r.runs).toEqual([`ALTER TABLE "users" ADD COLUMN "theme" VARCHAR(255) DEFAULT 'light'`]);
  });

  it('keeps a name filled in at run time (a table prefix): the placeholder names it consistently', async () => {
    const r = await split(`const prefix = process.env.PREFIX;
module.exports = { up: async (qi) => { await qi.sequelize.query(\`CREATE TABLE \${prefix}_users (id int)\`); } };`);
    expect(r.leftOut).toEqual([]);
    expect(r.runs).toHaveLength(1);
  });
});
