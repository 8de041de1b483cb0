import type { Rule } from './kit/rule.js';
import noRewritingColumnTypeChange from './no-rewriting-column-type-change.js';
import noRenameTable from './no-rename-table.js';
import noRenameColumn from './no-rename-column.js';
import noDropColumn from './no-drop-column.js';
import noDropTable from './no-drop-table.js';
import noDropDatabase from './no-drop-database.js';
import noDropSchema from './no-drop-schema.js';
import noDropNotNull from './no-drop-not-null.js';
import preferJsonb from './prefer-jsonb.js';
import preferTextOverChar from './prefer-text-over-char.js';
import preferTextOverVarchar from './prefer-text-over-varchar.js';
import preferBigintPrimaryKey from './prefer-bigint-primary-key.js';
import preferIdentityOverSerial from './prefer-identity-over-serial.js';
import preferTimestamptz from './prefer-timestamptz.js';

/** Rules about column types, renames and drops, and style (the rule catalog, part two). */
export const typeRules: readonly Rule[] = [
  noRewritingColumnTypeChange,
  noRenameTable,
  noRenameColumn,
  noDropColumn,
  noDropTable,
  noDropDatabase,
  noDropSchema,
  noDropNotNull,
  preferJsonb,
  preferTextOverChar,
  preferTextOverVarchar,
  preferBigintPrimaryKey,
  preferIdentityOverSerial,
  preferTimestamptz,
];
