import type { Rule } from '../src/engine/rule.js';

/** Rules about locks, constraints and transactions (the rule catalog, part one). */
export const lockRules: readonly Rule[] = [];
