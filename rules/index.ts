import type { Rule } from './kit/rule.js';
import noDropCascade from './no-drop-cascade.js';
import noTruncateCascade from './no-truncate-cascade.js';
import noDeleteWithoutWhere from './no-delete-without-where.js';
import noUpdateWithoutWhere from './no-update-without-where.js';
import requireConcurrentIndex from './require-concurrent-index.js';
import requireConcurrentIndexDrop from './require-concurrent-index-drop.js';
import noNotNullWithoutDefault from './no-not-null-without-default.js';
import requireDowngrade from './require-downgrade.js';
import parseError from './parse-error.js';
import unusedDisable from './unused-disable.js';
import unknownRule from './unknown-rule.js';
import { lockRules } from './catalog-locks.js';
import { typeRules } from './catalog-types.js';

/** Every built-in rule, in the order they are documented. */
export const builtinRules: readonly Rule[] = [
  noDropCascade,
  noTruncateCascade,
  noDeleteWithoutWhere,
  noUpdateWithoutWhere,
  requireConcurrentIndex,
  requireConcurrentIndexDrop,
  noNotNullWithoutDefault,
  requireDowngrade,
  parseError,
  unusedDisable,
  unknownRule,
  ...lockRules,
  ...typeRules,
];
