import type { Finding } from '../ir/types.js';

/** False for a finding about no file (the target database, say): reporters give it no location. */
export const hasFile = (f: Finding): boolean => f.file !== '';

/** True for a finding in a down migration: what rolling back runs, not what a deploy runs. */
export const inDown = (f: Finding): boolean => f.direction === 'down';

/**
 * Appended after the rule id where a format shows one (text, markdown), so a reviewer
 * tells a rollback hazard from a deploy hazard at a glance; up findings show nothing more.
 */
export const downMark = (f: Finding): string => (inDown(f) ? ' (down)' : '');

/** Appended to the message where a format shows no rule id beside it (annotations, code quality). */
export const downSuffix = (f: Finding): string => (inDown(f) ? ' (down migration)' : '');
