import { describe, expect, it } from 'vitest';
import type { Migration } from '../../../src/ir/types.js';
import { lintCode } from './helpers.js';

const js = (lines: string[]) => lines.join('\n') + '\n';
const notes = (m: Migration | undefined) => m!.coverage!.unanalysed.map((u) => `${u.range.start.line}:${u.range.start.column} ${u.reason}`);

// The framework steps look methods up in tables of handlers: a method named like a
// member of every object (`toString`, `constructor`) must not be taken for a handler.
describe('methods named like Object.prototype members', () => {
  it('are not analysed on a Sequelize queryInterface', async () => {
    const { migration } = await lintCode(
      js([
        'module.exports = {',
        '  async up(queryInterface, Sequelize) {',
        "    await queryInterface.addColumn('users', 'age', { type: Sequelize.INTEGER, allowNull: true });",
        '    await queryInterface.toString();',
        "    await queryInterface.addConstraint('users', { fields: ['a'], type: 'constructor' });",
        '  },',
        '};',
      ]),
      '20240101000000-add-age.js',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual(['ALTER TABLE "users" ADD COLUMN "age" INTEGER']);
    expect(notes(migration)).toEqual([
      '4:11 queryInterface.toString() is not analysed by migratelint',
      '5:11 queryInterface.addConstraint() is not analysed by migratelint',
    ]);
  });

  it('are not analysed on knex, knex.schema or a table builder', async () => {
    const { migration } = await lintCode(
      js([
        'exports.up = async (knex) => {',
        "  await knex.schema.alterTable('users', (t) => {",
        '    t.constructor();',
        "    t.string('name');",
        '  });',
        '  await knex.schema.hasOwnProperty();',
        '  await knex.valueOf();',
        '};',
      ]),
      '20240101000000_names.js',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual(['ALTER TABLE "users" ADD COLUMN "name" varchar(255)']);
    expect(notes(migration)).toEqual([
      '3:5 table.constructor() is not analysed by migratelint',
      '6:9 knex.schema.hasOwnProperty() is not analysed by migratelint',
      '7:9 knex.valueOf() is not analysed by migratelint',
    ]);
  });
});
