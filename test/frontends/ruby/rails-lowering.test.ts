import { describe, expect, it } from 'vitest';
import { lintRails, migration, sql } from './helpers.js';

const change = (body: string, version = '7.1') => lintRails(migration(`  def change\n${body}\n  end`, version));

describe('Rails: operations lowered to the SQL the PostgreSQL adapter runs', () => {
  it('create_table: id by version, types, null/default, references, timestamps, indexes', async () => {
    const { m } = await change(
      [
        '    create_table :orders do |t|',
        '      t.string :number, null: false, limit: 20',
        '      t.decimal :total, precision: 10, scale: 2, default: 0',
        '      t.references :customer, null: false, foreign_key: true',
        '      t.jsonb :data, default: {}',
        '      t.boolean :paid, default: false',
        '      t.datetime :shipped_at',
        '      t.timestamps',
        '      t.index :number, unique: true',
        '    end',
      ].join('\n'),
    );
    expect(sql(m)).toEqual([
      '3:5 CREATE TABLE "orders" ("id" bigserial primary key, "number" character varying(20) NOT NULL, "total" decimal(10,2) DEFAULT 0, ' +
        '"customer_id" bigint NOT NULL, "data" jsonb DEFAULT \'{}\', "paid" boolean DEFAULT FALSE, "shipped_at" timestamp(6), ' +
        '"created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL, ' +
        'CONSTRAINT "fk_rails_3dad120da9" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id"))',
      '3:5 CREATE INDEX "index_orders_on_customer_id" ON "orders" ("customer_id")',
      '3:5 CREATE UNIQUE INDEX "index_orders_on_number" ON "orders" ("number")',
    ]);
    // Reverted as the CommandRecorder does: the table dropped, by the framework.
    expect(sql(m, 'down')).toEqual(['3:5 DROP TABLE "orders"']);
    expect(m.down.statements[0].chunk.derived).toBe('framework');
  });

  it('older versions: serial ids, timestamps without precision; uuid and id: false', async () => {
    const old = await change('    create_table :a do |t|\n      t.timestamps\n    end', '5.0');
    expect(sql(old.m)[0]).toBe('3:5 CREATE TABLE "a" ("id" serial primary key, "created_at" timestamp NOT NULL, "updated_at" timestamp NOT NULL)');
    const uuid = await change('    create_table :b, id: :uuid do |t|\n    end\n    create_table :c, id: false do |t|\n      t.integer :n, limit: 8\n    end');
    expect(sql(uuid.m)).toEqual([
      '3:5 CREATE TABLE "b" ("id" uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY)',
      '5:5 CREATE TABLE "c" ("n" bigint)',
    ]);
  });

  it('columns, renames, defaults and nulls', async () => {
    const { m } = await change(
      [
        '    add_column :users, :age, :integer, null: false, default: 0',
        '    rename_column :users, :name, :full_name',
        '    change_column_null :users, :email, false',
        '    change_column_default :users, :role, from: nil, to: "member"',
        '    rename_table :people, :humans',
        '    add_timestamps :users, null: true',
      ].join('\n'),
    );
    expect(sql(m)).toEqual([
      '3:5 ALTER TABLE "users" ADD "age" integer DEFAULT 0 NOT NULL',
      '4:5 ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"',
      '5:5 ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL',
      '6:5 ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT \'member\'',
      '7:5 ALTER TABLE "people" RENAME TO "humans"',
      '8:5 ALTER TABLE "users" ADD "created_at" timestamp(6), ADD "updated_at" timestamp(6)',
    ]);
    expect(sql(m, 'down')).toEqual([
      '8:5 ALTER TABLE "users" DROP COLUMN "created_at", DROP COLUMN "updated_at"',
      '7:5 ALTER TABLE "humans" RENAME TO "people"',
      '6:5 ALTER TABLE "users" ALTER COLUMN "role" DROP DEFAULT',
      '5:5 ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL',
      '4:5 ALTER TABLE "users" RENAME COLUMN "full_name" TO "name"',
      '3:5 ALTER TABLE "users" DROP COLUMN "age"',
    ]);
  });

  it('indexes: default names, concurrently, unique, where, using, name', async () => {
    const { m } = await lintRails(
      migration(
        [
          '  disable_ddl_transaction!',
          '  def change',
          '    add_index :users, [:account_id, :email], unique: true, algorithm: :concurrently',
          '    add_index :events, :payload, using: :gin, where: "archived = false", name: "events_payload_idx"',
          '    add_index :users, "lower(email)", algorithm: :concurrently',
          '    remove_index :users, :legacy_id, algorithm: :concurrently',
          '  end',
        ].join('\n'),
      ),
    );
    expect(sql(m)).toEqual([
      '4:5 CREATE UNIQUE INDEX CONCURRENTLY "index_users_on_account_id_and_email" ON "users" ("account_id", "email")',
      '5:5 CREATE INDEX "events_payload_idx" ON "events" USING gin ("payload") WHERE archived = false',
      '6:5 CREATE INDEX CONCURRENTLY "index_users_on_lower_email" ON "users" (lower(email))',
      '7:5 DROP INDEX CONCURRENTLY "index_users_on_legacy_id"',
    ]);
    expect(m.up.transaction).toBe(false);
    expect(sql(m, 'down')[0]).toBe('7:5 CREATE INDEX CONCURRENTLY "index_users_on_legacy_id" ON "users" ("legacy_id")');
  });

  it('references, foreign keys and check constraints, with Rails\' hashed names', async () => {
    const { m } = await change(
      [
        '    add_reference :posts, :author, foreign_key: { to_table: :users }, index: false',
        '    add_foreign_key :comments, :posts, validate: false',
        '    add_foreign_key :comments, :people, column: :editor_id, on_delete: :cascade',
        '    add_check_constraint :products, "price > 0", name: "price_positive", validate: false',
        '    create_join_table :tags, :posts',
      ].join('\n'),
    );
    expect(sql(m)).toEqual([
      '3:5 ALTER TABLE "posts" ADD "author_id" bigint',
      '3:5 ALTER TABLE "posts" ADD CONSTRAINT "fk_rails_04d13ef8c7" FOREIGN KEY ("author_id") REFERENCES "users" ("id")',
      '4:5 ALTER TABLE "comments" ADD CONSTRAINT "fk_rails_2fd19c0db7" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") NOT VALID',
      '5:5 ALTER TABLE "comments" ADD CONSTRAINT "fk_rails_8b7fd5516f" FOREIGN KEY ("editor_id") REFERENCES "people" ("id") ON DELETE CASCADE',
      '6:5 ALTER TABLE "products" ADD CONSTRAINT "price_positive" CHECK (price > 0) NOT VALID',
      '7:5 CREATE TABLE "posts_tags" ("tag_id" bigint NOT NULL, "post_id" bigint NOT NULL)',
    ]);
  });

  it('execute with strings and heredocs: statements located inside the string', async () => {
    const { m } = await change(
      ['    execute "UPDATE users SET a = 1 WHERE b"', '    execute <<~SQL', '      CREATE INDEX idx ON t (a);', '        DELETE FROM t;', '    SQL'].join('\n'),
    );
    expect(sql(m)).toEqual(['3:14 UPDATE users SET a = 1 WHERE b', '5:7 CREATE INDEX idx ON t (a)', '6:9 DELETE FROM t']);
  });
});

describe('Rails: what is not read is said, never a crash', () => {
  it('a file that does not parse is one parse-error at Prism\'s position', async () => {
    const { result } = await lintRails('class X < ActiveRecord::Migration[7.1]\n  def change\n    add_column :a, :b,\n  end\n');
    expect(result.findings.map((f) => f.ruleId)).toEqual(['parse-error']);
    expect(result.findings[0].message).toMatch(/Ruby syntax error/);
  });

  it('calls it cannot read are listed in the coverage', async () => {
    const { m } = await change('    COLUMNS.each { |c| add_column :t, c, :string }\n    add_column :t, name, :string\n    custom_helper(:t)');
    expect(m.coverage?.unanalysed.map((u) => `${u.range.start.line} ${u.reason}`)).toEqual([
      '3 COLUMNS.each is not analysed',
      '4 add_column: arguments computed at run time are not analysed',
      '5 custom_helper is not analysed',
    ]);
  });

  it('Ruby files that are not migrations are skipped', async () => {
    const { lintText } = await import('../../../src/lint.js');
    const result = await lintText('class User < ApplicationRecord\nend\n', 'app/models/user.rb');
    expect(result.migrations).toHaveLength(0);
  });
});
