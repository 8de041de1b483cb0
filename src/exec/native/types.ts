import type { MigrationFormat } from '../../ir/types.js';
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';

/** What a migration tool's own history table says about the plan's migrations. */
export interface NativeState {
  /** The table read, as reports name it (`schema_migrations`, `public.alembic_version`). */
  table: string;
  /** Plan ids the tool counts as applied. */
  applied: Set<string>;
  /**
   * Migrations the tool marks as failed or dirty (golang-migrate `dirty`, Flyway
   * `success = false`, Prisma `finished_at IS NULL`, goose ...): the tool refuses to go on
   * until someone repairs the database, and so does migratelint.
   */
  dirty: { id: string; message: string }[];
  /** What the table records that the plan does not hold (renamed or deleted files, another app). */
  unknown: string[];
}

/**
 * One migration tool's history table, as the tool itself lays it out and fills it
 * (checked against the tool's source). `read` serves every format; the `record*`
 * functions serve the SQL formats migratelint applies itself, so that the team's tool
 * agrees afterwards with what ran. Code frameworks write their own rows: their
 * migrations run through the framework's runner.
 */
export interface NativeHistory {
  format: MigrationFormat;
  /** The table's name as the tool creates it by default (unqualified). */
  table: string;
  /** Reads the table; undefined when it does not exist (the tool never ran here). */
  read(driver: Driver, plan: readonly PlannedMigration[]): Promise<NativeState | undefined>;
  /** Creates the table exactly as the tool would, when it is missing (SQL formats). */
  ensure?(driver: Driver): Promise<void>;
  /** Records `m` as applied; runs inside the migration's own transaction (SQL formats). */
  recordApplied?(driver: Driver, m: PlannedMigration, plan: readonly PlannedMigration[]): Promise<void>;
  /** Records `m` as rolled back; runs inside the down migration's own transaction (SQL formats). */
  recordRolledBack?(driver: Driver, m: PlannedMigration, plan: readonly PlannedMigration[]): Promise<void>;
  /**
   * `migratelint repair`: after a human fixed the database, records `m` as applied or as
   * not applied, and clears the tool's dirty/failed mark.
   */
  repair?(driver: Driver, m: PlannedMigration, outcome: 'applied' | 'rolled back', plan: readonly PlannedMigration[]): Promise<void>;
}
