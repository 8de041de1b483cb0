import fs from 'node:fs';
import path from 'node:path';
import { lint, lintText, type LintResult } from '../lint.js';
import { reporters } from '../report/index.js';
import { UsageError } from '../errors.js';
import { toolVersion } from '../meta.js';
import { intOption, parseCommandArgs } from './args.js';
import type { Io } from './main.js';

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export async function lintCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string', short: 'f', default: 'text' },
    output: { type: 'string', short: 'o' },
    'stdin-filename': { type: 'string' },
    'pg-version': { type: 'string' },
    debug: { type: 'boolean' },
  });
  const reporter = reporters[values.format!];
  if (!reporter) throw new UsageError(`unknown format "${values.format}" (expected one of: ${Object.keys(reporters).join(', ')})`);
  const options = { cwd: io.cwd, pgVersion: intOption(values['pg-version'], 'pg-version') };
  if (positionals.length === 0) throw new UsageError('no paths given (try: migratelint lint migrations/)');

  let result: LintResult;
  if (positionals.includes('-')) {
    if (positionals.length > 1) throw new UsageError("'-' (stdin) cannot be combined with other paths");
    result = await lintText(await readStdin(io.stdin), values['stdin-filename'] ?? 'stdin.sql', options);
  } else {
    result = await lint(positionals, options);
  }

  const toFile = values.output !== undefined;
  const color = !toFile && values.format === 'text' && wantsColor(io);
  const report = reporter(result, { cwd: io.cwd, toolVersion: toolVersion(), color });
  if (toFile) {
    const target = path.resolve(io.cwd, values.output!);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, report);
    } catch (e) {
      throw new UsageError(`cannot write ${values.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else io.stdout.write(report);

  const unreadable = result.migrations.flatMap((m) => m.problems).filter((p) => p.message.startsWith('cannot read'));
  for (const p of unreadable) io.stderr.write(`migratelint: ${p.file}: ${p.message}\n`);
  if (unreadable.length) return 2;
  return result.errorCount > 0 ? 1 : 0;
}

function wantsColor(io: Io): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return !!io.stdout.isTTY;
}
