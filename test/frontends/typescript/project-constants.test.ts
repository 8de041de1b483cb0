import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../../src/lint.js';

/** A project whose migrations import constants of its own, as docmost's do. */
let dir: string;
const MIGRATIONS = path.join('apps', 'server', 'src', 'database', 'migrations');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-ts-constants-'));
  fs.mkdirSync(path.join(dir, MIGRATIONS), { recursive: true });
  fs.mkdirSync(path.join(dir, 'apps', 'server', 'src', 'common', 'types'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'apps', 'server', 'src', 'common', 'types', 'permission.ts'),
    `export enum UserRole {\n  OWNER = 'owner',\n  MEMBER = 'member',\n}\n\nexport enum Level {\n  LOW = 1,\n}\n\nexport const DEFAULT_THEME = 'light';\nexport const LIMITS = { pages: \`100\` } as const;\nexport const computed = process.env.X;\n`,
  );
  fs.writeFileSync(
    path.join(dir, MIGRATIONS, '20240324T085500-workspaces.ts'),
    `import { Kysely, sql } from 'kysely';
import { UserRole, Level, DEFAULT_THEME, LIMITS, computed } from '../../common/types/permission';
import { Region } from '@acme/shared';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('default_role', 'varchar', (col) => col.defaultTo(UserRole.MEMBER).notNull())
    .addColumn('theme', 'varchar', (col) => col.defaultTo(DEFAULT_THEME))
    .addColumn('page_limit', 'varchar', (col) => col.defaultTo(LIMITS.pages))
    .execute();
  await db.schema.alterTable('workspaces').addColumn('level', 'int', (col) => col.defaultTo(Level.LOW)).execute();
  await db.schema.alterTable('workspaces').addColumn('origin', 'varchar', (col) => col.defaultTo(computed)).execute();
  await db.schema.alterTable('workspaces').addColumn('region', 'varchar', (col) => col.defaultTo(Region.EU)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workspaces').execute();
}
`,
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("constants imported from the project's own modules", () => {
  it('are known in the SQL: string enum members and string consts; the rest stays a value of run time', async () => {
    const result = await lint([MIGRATIONS], { cwd: dir });
    const up = result.migrations[0].up.statements.map((s) => s.text);
    expect(up[0]).toContain(`"default_role" varchar DEFAULT 'member' NOT NULL`);
    expect(up[0]).toContain(`"theme" varchar DEFAULT 'light'`);
    expect(up[0]).toContain(`"page_limit" varchar DEFAULT '100'`);
    // A numeric enum, a const computed at run time, a package's module: not read.
    expect(up.slice(1).map((s) => /DEFAULT (\S+)/.exec(s)?.[1])).toEqual(['"${Level.LOW}"', '"${computed}"', '"${Region.EU}"']);
    // The module is an input of the lowering (a change to it is seen by the cache).
    expect(result.migrations[0].inputs).toEqual([path.join('apps', 'server', 'src', 'common', 'types', 'permission.ts')]);
  });
});
