import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint, lintText, type LintResult } from '../../../src/lint.js';
import type { Finding, Migration } from '../../../src/ir/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function lintFixtures(dir: string): Promise<LintResult> {
  return lint([dir], { cwd: ROOT });
}

export function migrationOf(result: LintResult, fileEnd: string): Migration {
  const m = result.migrations.find((x) => x.path.endsWith(fileEnd));
  if (!m) throw new Error(`no migration ${fileEnd} in ${result.migrations.map((x) => x.path).join(', ')}`);
  return m;
}

/** `line:column` of each finding of a rule in one file, in order. */
export function at(result: LintResult, fileEnd: string, ruleId: string): string[] {
  return result.findings.filter((f) => f.file.endsWith(fileEnd) && f.ruleId === ruleId).map(pos);
}

export function pos(f: Pick<Finding, 'range'>): string {
  return `${f.range.start.line}:${f.range.start.column}`;
}

/** Every finding in one file as `rule@line:column`. */
export function findingsIn(result: LintResult, fileEnd: string): string[] {
  return result.findings.filter((f) => f.file.endsWith(fileEnd)).map((f) => `${f.ruleId}@${pos(f)}`);
}

/** Lints Python source as a migration file at `filename`. */
export async function lintPython(source: string, filename = 'versions/abc123_test.py'): Promise<LintResult> {
  return lintText(source, filename);
}

/** The statements of a section as `line:column kind text`. */
export function statements(m: Migration, section: 'up' | 'down' = 'up'): string[] {
  return m[section].statements.map((s) => `${s.range.start.line}:${s.range.start.column} ${s.kind} ${s.text.replace(/\s+/g, ' ')}`);
}

export function alembic(body: string, downgrade = '    pass', head = ''): string {
  return `from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
${head}
revision = 'abc123'
down_revision = 'def456'


def upgrade():
${body}


def downgrade():
${downgrade}
`;
}
