/**
 * TypeORM: `typeorm migration:run -d <data source>` runs EVERY pending migration, and
 * TypeORM's CLI has no option to stop at one (no name, count or --to; checked in
 * commands/MigrationRunCommand.js and migration/MigrationExecutor.js, typeorm 1.1.4, as
 * in 0.3). So one migration at a time is only possible when `m` is the ONLY pending one
 * of its folder: migratelint refuses otherwise (`refuse` below, and runFrameworkStep
 * with the history it is given). `migration:revert` undoes the most recently executed
 * migration (MigrationExecutor.undoLastMigration: the migrations table by id, newest
 * first) — `m`, once every later one is rolled back.
 *
 * The CLI needs the file that exports the DataSource (`-d`, required since 0.3): the
 * default command looks for src/data-source.ts|js, data-source.ts|js, ... in the folder
 * holding package.json, and runs `typeorm-ts-node-commonjs` (or -esm for a "type":
 * "module" package) for a .ts file, `typeorm` for a .js one. Otherwise set runner.typeorm.
 * TypeORM reads no connection variable itself (TYPEORM_* went with 0.3): the DataSource
 * file does, by convention from DATABASE_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FrameworkRunner } from './types.js';
import { findUp, folderAbs, groupOf, locateNodeBin } from './shared.js';

const INSTALL = 'install it (npm install typeorm pg) or set runner.typeorm in the config (e.g. "npx typeorm-ts-node-commonjs -d src/data-source.ts")';

const DATA_SOURCES = [
  'src/data-source.ts',
  'src/data-source.js',
  'data-source.ts',
  'data-source.js',
  'src/datasource.ts',
  'src/datasource.js',
  'datasource.ts',
  'datasource.js',
  'src/db/data-source.ts',
  'src/db/data-source.js',
  'src/database/data-source.ts',
  'src/database/data-source.js',
  'src/config/data-source.ts',
  'src/config/data-source.js',
  'ormconfig.ts',
  'ormconfig.js',
];

function isEsm(dir: string): boolean {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module';
  } catch {
    return false;
  }
}

export const typeorm: FrameworkRunner = {
  format: 'typeorm',
  defaultCommand: ['npx', 'typeorm', '-d', 'src/data-source.ts'],
  selects: 'pending',
  install: INSTALL,
  connection: 'nothing by itself: the DataSource file reads DATABASE_URL by convention',
  workdir(m, cwd) {
    const from = folderAbs(m, cwd);
    return findUp(from, ['package.json']) ?? path.dirname(from);
  },
  upArgs: () => ['migration:run'],
  downArgs: () => ['migration:revert'],
  refuse(m, direction, plan) {
    if (direction !== 'up') return undefined;
    const group = groupOf(m, plan);
    const after = group.slice(group.findIndex((p) => p.id === m.id) + 1);
    if (!after.length) return undefined;
    return (
      `TypeORM cannot apply one migration at a time (migration:run applies every pending one), and ${m.id} is followed by ` +
      `${after.length} more pending (${after.map((p) => p.id).slice(0, 3).join(', ')}${after.length > 3 ? ', ...' : ''}): ` +
      'migratelint runs TypeORM only when a single migration is pending (ship them one per release), or set runner.typeorm to a command that applies exactly one'
    );
  },
  locate(at, env) {
    const source = DATA_SOURCES.find((f) => fs.existsSync(path.join(at.workdir, f)));
    if (!source) {
      return { refusal: `TypeORM's CLI needs the file that exports your DataSource, and none of ${DATA_SOURCES.slice(0, 4).join(', ')}, ... is in ${at.workdir}: ${INSTALL}` };
    }
    const bin = /\.ts$/.test(source) ? (isEsm(at.workdir) ? 'typeorm-ts-node-esm' : 'typeorm-ts-node-commonjs') : 'typeorm';
    const found = locateNodeBin(bin, INSTALL, at, env);
    return 'argv' in found ? { argv: [...found.argv, '-d', source] } : found;
  },
};
