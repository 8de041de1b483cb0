import { builtinRules } from '../../rules/index.js';
import { UsageError } from '../errors.js';
import { ruleDocsUrl } from '../meta.js';
import { presetSeverity } from '../config/load.js';
import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { didYouMean } from './did-you-mean.js';

/** Every rule with its severity in each preset, then its one-line summary. */
export function rulesCommand(args: string[], io: Io): number {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length) throw new UsageError(`rules takes no arguments (got: ${positionals.join(' ')}); for one rule: migratelint explain <rule>`);
  const width = Math.max(...builtinRules.map((r) => r.id.length));
  io.stdout.write(`${'rule'.padEnd(width)}  recommended  strict  summary\n`);
  for (const rule of builtinRules) {
    const recommended = presetSeverity(rule, 'recommended');
    const strict = presetSeverity(rule, 'strict');
    io.stdout.write(`${rule.id.padEnd(width)}  ${recommended.padEnd(11)}  ${strict.padEnd(6)}  ${rule.summary}\n`);
  }
  return 0;
}

export function explainCommand(args: string[], io: Io): number {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length > 1) throw new UsageError(`explain takes one rule id, got ${positionals.length}: ${positionals.join(' ')}`);
  const id = positionals[0];
  if (!id) throw new UsageError('explain needs a rule id (see: migratelint rules)');
  const rule = builtinRules.find((r) => r.id === id);
  if (!rule) throw new UsageError(`unknown rule "${id}"${didYouMean(id, builtinRules.map((r) => r.id)) || ' (see: migratelint rules)'}`);
  const { why, safe, bad, good } = rule.docs;
  io.stdout.write(
    `${rule.id} (recommended: ${presetSeverity(rule, 'recommended')}, strict: ${presetSeverity(rule, 'strict')})\n${rule.summary}\n\nWhy:\n  ${why}\n\nInstead:\n  ${safe}\n\n` +
      `Bad:\n${indent(bad)}\n\nGood:\n${indent(good)}\n\nMore: ${ruleDocsUrl(rule.id)}\n`,
  );
  return 0;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
