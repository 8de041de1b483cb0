/**
 * The shape of a cache file, checked before it is trusted: a cache is written by us but
 * read from disk, where a crash, a disk filling up or another version may have left
 * anything. A file that fails is discarded and rebuilt, never an error.
 */
import type { CacheFile, Entry } from './cache.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isPosition = (v: unknown) => isObject(v) && Number.isInteger(v.line) && Number.isInteger(v.column);
const isRange = (v: unknown) => isObject(v) && isPosition(v.start) && isPosition(v.end);

export function isCacheFile(v: unknown): v is CacheFile {
  return isObject(v) && isString(v.key) && isObject(v.entries);
}

function isFinding(v: unknown): boolean {
  return isObject(v) && isString(v.ruleId) && isString(v.message) && isString(v.file) && (v.severity === 'error' || v.severity === 'warn') && isRange(v.range);
}

const isProblem = (v: unknown) => isObject(v) && isString(v.file) && isString(v.message);
const isSection = (v: unknown) => isObject(v) && isString(v.state) && Array.isArray(v.statements);

/** What reporters and the run read of a stored migration summary. */
function isMigration(v: unknown): boolean {
  return (
    isObject(v) &&
    isString(v.path) &&
    isString(v.format) &&
    Array.isArray(v.files) &&
    v.files.every(isString) &&
    Array.isArray(v.problems) &&
    v.problems.every(isProblem) &&
    isSection(v.up) &&
    isSection(v.down)
  );
}

export function isEntry(v: unknown): v is Entry {
  return (
    isObject(v) &&
    isString(v.hash) &&
    Array.isArray(v.deps) &&
    v.deps.every((d) => Array.isArray(d) && d.length === 2 && isString(d[0]) && isString(d[1])) &&
    (v.migration === null || isMigration(v.migration)) &&
    Array.isArray(v.findings) &&
    v.findings.every(isFinding) &&
    typeof v.linted === 'boolean' &&
    isString(v.prefix) &&
    Array.isArray(v.schema)
  );
}
