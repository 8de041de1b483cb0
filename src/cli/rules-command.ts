import { builtinRules } from '../../rules/index.js';
import { UsageError } from '../errors.js';
import { ruleDocsUrl } from '../meta.js';
import type { Io } from './main.js';

export function rulesCommand(_args: string[], io: Io): number {
  const width = Math.max(...builtinRules.map((r) => r.id.length));
  for (const rule of builtinRules) {
    io.stdout.write(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(5)}  ${rule.summary}\n`);
  }
  return 0;
}

export function explainCommand(args: string[], io: Io): number {
  const id = args[0];
  if (!id) throw new UsageError('explain needs a rule id (see: migratelint rules)');
  const rule = builtinRules.find((r) => r.id === id);
  if (!rule) throw new UsageError(`unknown rule "${id}" (see: migratelint rules)`);
  const { why, safe, bad, good } = rule.docs;
  io.stdout.write(
    `${rule.id} (default: ${rule.severity})\n${rule.summary}\n\nWhy:\n  ${why}\n\nInstead:\n  ${safe}\n\n` +
      `Bad:\n${indent(bad)}\n\nGood:\n${indent(good)}\n\nMore: ${ruleDocsUrl(rule.id)}\n`,
  );
  return 0;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
