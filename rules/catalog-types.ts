import type { Rule } from '../src/engine/rule.js';

/** Rules about column types, renames and drops, and style (the rule catalog, part two). */
export const typeRules: readonly Rule[] = [];
