/**
 * Backups of the target database: taking them (create), checking them (meta), restoring
 * them (restore) and keeping their number down (retention). pg_dump/pg_restore handling
 * (pg-tools) and the logical COPY format (logical) are details of create and restore.
 *
 * createBackup lives in create.ts rather than here because restore.ts takes a safety
 * backup with it, and importing the index from there would be an import cycle.
 */
export { DEFAULT_BACKUP_DIR, verifyBackup, type BackupKind, type BackupMeta } from './meta.js';
export { createBackup, type BackupOptions } from './create.js';
export { restoreBackup, restorePgliteDir, type RestoreOptions, type RestoreResult } from './restore.js';
export { formatBytes, listBackups, pruneBackups, type ListedBackup, type Retention } from './retention.js';
