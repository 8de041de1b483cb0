import { describe, expect, it } from 'vitest';
import { findings, lintRails, migration, rule, sql } from './helpers.js';

const change = (body: string, head = '') => lintRails(migration(`${head}  def change\n${body}\n  end`));

describe('Rails: transactions', () => {
  it('add_index algorithm: :concurrently without disable_ddl_transaction! fails in the transaction', async () => {
    const { result, m } = await change('    add_index :users, :email, algorithm: :concurrently');
    expect(m.up.transaction).toBe(true);
    expect(rule(result, 'no-concurrently-in-transaction')).toEqual(['3:5']);
  });

  it('with disable_ddl_transaction! it runs outside any transaction', async () => {
    const { result, m } = await change('    add_index :users, :email, algorithm: :concurrently', '  disable_ddl_transaction!\n');
    expect(m.up.transaction).toBe(false);
    // What is left is that an interrupted build leaves an INVALID index behind (no IF NOT EXISTS).
    expect(findings(result)).toEqual(['require-rerunnable-concurrent-index@4:5']);
  });
});

describe('Rails: reversibility', () => {
  it.each([
    ['    execute "UPDATE users SET a = 1 WHERE id = 2"', 'This migration uses execute, which is not automatically reversible.'],
    ['    remove_column :users, :legacy', 'remove_column is only reversible if given a type.'],
    ['    change_column :users, :age, :bigint', "change_column is not reversible: Rails does not know the column's previous type."],
    ['    change_column_default :users, :role, "member"', 'change_column_default is only reversible if given a :from and :to option.'],
    ['    drop_table :legacy_things', 'To avoid mistakes, drop_table is only reversible if given options or a block (can be empty).'],
    ['    remove_index :users, name: "index_users_on_email"', 'remove_index is only reversible if given a :column option.'],
  ])('%s in change is irreversible with Rails\' reason', async (body, reason) => {
    const { result, m } = await change(body);
    expect(m.down.state).toBe('irreversible');
    expect(result.findings.find((f) => f.ruleId === 'require-downgrade')?.message).toContain(reason);
  });

  it('the reversible forms are reverted as the CommandRecorder does', async () => {
    const { result, m } = await change(
      [
        '    remove_column :users, :legacy, :string',
        '    drop_table :old_things do |t|',
        '      t.string :name',
        '    end',
        '    remove_index :users, :email, unique: true',
      ].join('\n'),
    );
    expect(m.down.state).toBe('present');
    expect(sql(m, 'down')).toEqual([
      '7:5 CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email")',
      '4:5 CREATE TABLE "old_things" ("id" bigserial primary key, "name" character varying)',
      '3:5 ALTER TABLE "users" ADD "legacy" character varying',
    ]);
    expect(rule(result, 'require-downgrade')).toEqual([]);
  });

  it('reversible blocks: dir.up in the up, dir.down in the down at its place', async () => {
    const { m, result } = await change(
      [
        '    add_column :users, :status, :string',
        '    reversible do |dir|',
        "      dir.up { execute \"UPDATE users SET status = 'active' WHERE status IS NULL\" }",
        '      dir.down { execute "UPDATE users SET legacy = status WHERE status IS NOT NULL" }',
        '    end',
      ].join('\n'),
    );
    expect(sql(m)).toEqual(['3:5 ALTER TABLE "users" ADD "status" character varying', "5:25 UPDATE users SET status = 'active' WHERE status IS NULL"]);
    expect(sql(m, 'down')).toEqual(['6:27 UPDATE users SET legacy = status WHERE status IS NOT NULL', '3:5 ALTER TABLE "users" DROP COLUMN "status"']);
    expect(rule(result, 'require-downgrade')).toEqual([]);
  });

  it('up without down, and a down that raises, are require-downgrade', async () => {
    const onlyUp = await lintRails(migration('  def up\n    add_column :users, :age, :integer\n  end'));
    expect(onlyUp.m.down.state).toBe('missing');
    expect(rule(onlyUp.result, 'require-downgrade')).toHaveLength(1);
    const raises = await lintRails(migration('  def up\n    add_column :users, :age, :integer\n  end\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end'));
    expect(raises.m.down.state).toBe('irreversible');
    expect(rule(raises.result, 'require-downgrade')).toHaveLength(1);
    const both = await lintRails(migration('  def up\n    add_column :users, :age, :integer\n  end\n  def down\n    remove_column :users, :age\n  end'));
    expect(rule(both.result, 'require-downgrade')).toEqual([]);
    // An explicit down is the author's SQL, judged by rules; change's reverse is Rails' own.
    expect(both.m.down.statements[0].chunk.derived).toBeUndefined();
  });
});

describe('Rails: data changes', () => {
  it('update_all / delete_all without a where chain change every row', async () => {
    const { result, m } = await change(
      ['    User.update_all(active: true)', '    LineItem.delete_all', '    Person.where(archived: true).delete_all', '    User.in_batches.update_all(flag: false)'].join('\n'),
    );
    expect(sql(m)).toEqual([
      '3:5 UPDATE "users" SET "active" = $1',
      '4:5 DELETE FROM "line_items"',
      '5:5 DELETE FROM "people" WHERE "{where(archived: true)}"',
      '6:5 UPDATE "users" SET "flag" = $1 WHERE "{in_batches}"',
    ]);
    expect(rule(result, 'no-update-without-where')).toEqual(['3:5']);
    expect(rule(result, 'no-delete-without-where')).toEqual(['4:5']);
  });

  it('a model defined in the migration keeps its table_name', async () => {
    const { m } = await change('    Legacy.delete_all', '  class Legacy < ActiveRecord::Base\n    self.table_name = "old_records"\n  end\n');
    expect(sql(m)).toEqual(['6:5 DELETE FROM "old_records"']);
  });
});

describe('Rails: strong_migrations', () => {
  it('safety_assured suppresses findings inside it, and is never an unused ignore', async () => {
    const { result } = await change(['    safety_assured { remove_column :users, :legacy, :string }', '    safety_assured do', '      add_column :users, :x, :string', '    end', '    remove_column :users, :other, :string'].join('\n'));
    expect(findings(result)).toEqual(['no-drop-column@7:5']);
  });

  // strong_migrations' README: each dangerous operation, and the safe way it recommends.
  it.each([
    ['removing a column', '    remove_column :users, :some_column, :string', 'no-drop-column'],
    ['changing a column type', '    change_column :users, :some_column, :bigint', 'no-rewriting-column-type-change'],
    ['renaming a column', '    rename_column :users, :some_column, :new_name', 'no-rename-column'],
    ['renaming a table', '    rename_table :users, :customers', 'no-rename-table'],
    ['an index built without concurrently', '    add_index :users, :some_column', 'require-concurrent-index'],
    ['a reference with a plain index', '    add_reference :users, :city', 'require-concurrent-index'],
    ['a foreign key validated at once', '    add_foreign_key :users, :orders', 'require-not-valid-foreign-key'],
    ['a check constraint validated at once', '    add_check_constraint :users, "price > 0", name: "price_check"', 'require-not-valid-check'],
    ['setting NOT NULL on an existing column', '    change_column_null :users, :some_column, false', 'no-set-not-null-without-check'],
    ['backfilling in the migration that adds the column', '    add_column :users, :some_column, :text\n    User.update_all some_column: "default_value"', 'no-update-without-where'],
  ])('bad: %s', async (_what, body, ruleId) => {
    const { result } = await change(body);
    expect(result.findings.map((f) => f.ruleId)).toContain(ruleId);
  });

  it.each([
    ['an index built concurrently', '  disable_ddl_transaction!\n', '    add_index :users, :some_column, algorithm: :concurrently'],
    ['a reference with a concurrent index', '  disable_ddl_transaction!\n', '    add_reference :users, :city, index: {algorithm: :concurrently}'],
    ['a foreign key added NOT VALID', '', '    add_foreign_key :users, :orders, validate: false'],
    ['then validated on its own', '', '    validate_foreign_key :users, :orders'],
    ['a check constraint added NOT VALID', '', '    add_check_constraint :users, "price > 0", name: "price_check", validate: false'],
    ['then validated on its own', '', '    validate_check_constraint :users, name: "price_check"'],
    ['a backfill in batches outside the transaction', '  disable_ddl_transaction!\n', '    User.unscoped.in_batches do |relation|\n      relation.update_all some_column: "default_value"\n      sleep(0.01)\n    end'],
  ])('good: %s', async (_what, head, body) => {
    const { result } = await change(body, head);
    // Re-runnability (IF NOT EXISTS after an interrupted run) is a concern strong_migrations does not check.
    expect(findings(result).filter((f) => !/^require-(downgrade|rerunnable)/.test(f))).toEqual([]);
  });
});
