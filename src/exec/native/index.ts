/**
 * The history tables of the migration tools themselves: one NativeHistory per format that
 * has a table (FORMATS[format].historyTable). `read` serves status on a database the
 * team's tool migrated; the SQL formats migratelint applies itself also write the tool's
 * row, in the migration's own transaction, so that the tool agrees afterwards.
 */
import type { MigrationFormat } from '../../ir/types.js';
import type { NativeHistory } from './types.js';
import { golangMigrate } from './golang-migrate.js';
import { goose } from './goose.js';
import { dbmate } from './dbmate.js';
import { diesel } from './diesel.js';
import { flyway } from './flyway.js';
import { prisma } from './prisma.js';
import { drizzle } from './drizzle.js';
import { alembic } from './alembic.js';
import { django } from './django.js';
import { rails } from './rails.js';
import { dbMigrate, knex, kysely, mikroOrm, nodePgMigrate, sequelize, typeorm } from './code-frameworks.js';

export type { NativeHistory, NativeState } from './types.js';

const HISTORIES: Partial<Record<MigrationFormat, NativeHistory>> = {
  'golang-migrate': golangMigrate,
  goose,
  dbmate,
  diesel,
  flyway,
  prisma,
  drizzle,
  alembic,
  django,
  rails,
  knex,
  typeorm,
  sequelize,
  'node-pg-migrate': nodePgMigrate,
  kysely,
  'mikro-orm': mikroOrm,
  'db-migrate': dbMigrate,
};

/** The tool's own history table for a format; undefined for a format whose tool keeps none (plain SQL). */
export function nativeHistoryFor(format: MigrationFormat): NativeHistory | undefined {
  return HISTORIES[format];
}
