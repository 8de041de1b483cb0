import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from '../../../src/exec/drivers/types.js';
import { PgliteDriver, isDataDir, openPglite } from '../../../src/exec/drivers/pglite.js';
import { PgDriver } from '../../../src/exec/drivers/pg.js';
import { parseDbTarget, withDatabase, type PostgresTarget, type PgliteTarget } from '../../../src/exec/url.js';
import { ROOT, tempDir } from './env.js';

export interface TestDb {
  /** The value for --db. */
  url: string;
  /** Opens the database, runs fn, closes it (a PGlite directory must not stay open while the CLI runs). */
  with<T>(fn: (d: Driver) => Promise<T>): Promise<T>;
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  fresh(): Promise<TestDb>;
  /** Drops what fresh() made. */
  cleanup(): Promise<void>;
}

const OPEN = { command: 'test', lockWaitMs: 30_000 };

/**
 * A PGlite data directory that has been through initdb once, kept in the temp directory
 * between runs: a fresh database is a copy of it (milliseconds) instead of an initdb (3-6 s).
 */
async function pgliteTemplate(): Promise<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  const dir = path.join(os.tmpdir(), `migratelint-exec-pglite-template-${pkg.version}`);
  if (isDataDir(dir)) return dir;
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  const db = await openPglite(tmp);
  await db.close();
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another test file made it first
  }
  return dir;
}

export function pgliteBackend(): Backend {
  return {
    name: 'pglite',
    async fresh() {
      const template = await pgliteTemplate();
      const dir = path.join(tempDir('mlt-pglite-'), 'db');
      fs.cpSync(template, dir, { recursive: true });
      const url = `pglite:${dir}`;
      const target = parseDbTarget(url, '/') as PgliteTarget;
      const open = async <T>(fn: (d: Driver) => Promise<T>) => {
        const d = await PgliteDriver.open(target, OPEN);
        try {
          return await fn(d);
        } finally {
          await d.close();
        }
      };
      return { url, with: open, query: (sql, params) => open((d) => d.query(sql, params)) };
    },
    async cleanup() {},
  };
}

export const PG_URL = process.env.MIGRATELINT_TEST_PG_URL;

export function postgresBackend(): Backend {
  const made: string[] = [];
  let n = 0;
  const admin = () => PgDriver.open(parseDbTarget(PG_URL!, '/') as PostgresTarget, 'test');
  return {
    name: 'postgres',
    async fresh() {
      const name = `mlt_${process.pid}_${Date.now().toString(36)}_${n++}`;
      const a = await admin();
      try {
        await a.execute(`CREATE DATABASE ${name}`);
      } finally {
        await a.close();
      }
      made.push(name);
      const url = withDatabase(PG_URL!, name);
      const target = parseDbTarget(url, '/') as PostgresTarget;
      const open = async <T>(fn: (d: Driver) => Promise<T>) => {
        const d = await PgDriver.open(target, 'test');
        try {
          return await fn(d);
        } finally {
          await d.close();
        }
      };
      return { url, with: open, query: (sql, params) => open((d) => d.query(sql, params)) };
    },
    async cleanup() {
      if (!made.length) return;
      const a = await admin();
      try {
        for (const name of made.splice(0)) await a.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.close();
      }
    },
  };
}
