import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { formatMatcher, pathMatcher } from '../config/paths.js';
import { describeConfigSource } from '../config/search.js';
import { classifyPath } from '../discover/classify.js';
import { DEFAULT_PG_VERSION, lint } from '../lint.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { Io } from './main.js';

/** `migratelint print-config <file>`: the effective config for one file, as JSON. */
export async function printConfigCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { config: { type: 'string', short: 'c' } });
  if (positionals.length !== 1) throw new UsageError('print-config needs exactly one file (try: migratelint print-config migrations/001_init.up.sql)');
  const file = path.relative(io.cwd, path.resolve(io.cwd, positionals[0]));
  if (!fs.existsSync(path.resolve(io.cwd, file))) throw new UsageError(`${positionals[0]}: no such file`);
  const config = await loadConfig({ cwd: io.cwd, configFile: values.config });
  const selected = pathMatcher(config, io.cwd);
  // Read the file the way lint would, so content-based formats (dbmate, knex, ...) are told apart.
  const read = await lint([file], { cwd: io.cwd, config }).catch(() => undefined);
  const format = read?.migrations[0]?.format ?? formatMatcher(config, io.cwd)?.(file) ?? classifyPath(file).format;
  const transaction = typeof config.transaction === 'object' ? config.transaction[format] : config.transaction;
  const effective = {
    file,
    configFile: config.file ?? null,
    // Which config was used, or that none was found and where the search stopped.
    configSource: describeConfigSource(io.cwd, config.file, values.config !== undefined),
    linted: selected ? selected(file) : true,
    format,
    pgVersion: config.pgVersion ?? DEFAULT_PG_VERSION,
    transaction: transaction ?? 'format default',
    failOn: config.failOn,
    preset: `migratelint:${config.preset}`,
    plugins: config.pluginRules.map((r) => r.id),
    rules: Object.fromEntries(
      Object.entries(config.rules).map(([id, r]) => [id, Object.keys(r.options).length ? [r.severity, r.options] : r.severity]),
    ),
  };
  io.stdout.write(JSON.stringify(effective, null, 2) + '\n');
  return 0;
}
