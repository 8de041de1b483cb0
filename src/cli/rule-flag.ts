import { UsageError } from '../errors.js';
import type { ResolvedConfig } from '../config/load.js';
import type { SeveritySetting } from '../config/schema.js';
import { didYouMean } from './did-you-mean.js';

const SEVERITIES: readonly SeveritySetting[] = ['off', 'warn', 'error'];

/** The `--rule` option: repeatable, `id:severity`. */
export const RULE_OPTION = { rule: { type: 'string', multiple: true } } as const;

/**
 * `--rule id:severity` (repeatable) over the config: the last one for a rule wins, and its
 * options stay as the config set them. An unknown id or severity is a usage error with
 * the nearest known one.
 */
export function withRuleFlags(config: ResolvedConfig, flags: readonly string[] | undefined): ResolvedConfig {
  if (!flags?.length) return config;
  const rules = { ...config.rules };
  for (const flag of flags) {
    const at = flag.lastIndexOf(':');
    const id = flag.slice(0, at).trim();
    const severity = flag.slice(at + 1).trim();
    if (at <= 0 || !severity) throw new UsageError(`--rule expects id:severity (such as require-concurrent-index:warn), got "${flag}"`);
    if (!Object.hasOwn(rules, id)) throw new UsageError(`--rule ${flag}: unknown rule "${id}"${didYouMean(id, Object.keys(rules)) || ' (see: migratelint rules)'}`);
    if (!(SEVERITIES as string[]).includes(severity)) {
      throw new UsageError(`--rule ${flag}: unknown severity "${severity}" (expected off, warn or error)${didYouMean(severity, SEVERITIES)}`);
    }
    rules[id] = { ...rules[id], severity: severity as SeveritySetting };
  }
  return { ...config, rules };
}
