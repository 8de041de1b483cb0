export { lint, lintText, DEFAULT_PG_VERSION } from './lint.js';
export type { LintOptions, LintResult } from './lint.js';
export { defineRule } from '../rules/kit/rule.js';
export type { Rule, RuleContext, RuleDocs, RuleSeverity } from '../rules/kit/rule.js';
export type * from './ir/types.js';
export { reporters } from './report/index.js';
export { builtinRules } from '../rules/index.js';
export { loadConfig } from './config/load.js';
export type { ResolvedConfig } from './config/load.js';
