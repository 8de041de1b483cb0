/**
 * Hover on a flagged statement: for each finding on it, the rule's summary, the lock the
 * statement takes and what that lock blocks, why it matters and the safe alternative.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Migration, Statement } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';
import { describeLock, locksFor } from '../pg/locks.js';
import { toDiagnostic } from './diagnostics.js';
import { toIrPosition } from './ranges.js';
import { statementAt } from './statements.js';

export interface HoverInput {
  doc: TextDocument;
  /** Relative to the project's root, as findings name files. */
  file: string;
  migration?: Migration;
  findings: readonly Finding[];
  rules: readonly Rule[];
  pgVersion: number;
  position: Position;
  docsUrl(ruleId: string): string | undefined;
}

const inside = (p: Position, r: { start: Position; end: Position }) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export function hoverAt(input: HoverInput): Hover | null {
  const { doc, file, migration, position } = input;
  const lineLength = (line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '').length;
  const under = migration ? statementAt(migration, file, toIrPosition(position)) : undefined;
  const shown = input.findings.filter((f) => {
    if (f.file !== file) return false;
    if (inside(position, toDiagnostic(f, input.docsUrl, lineLength).range)) return true;
    return !!under && migration !== undefined && statementAt(migration, file, f.range.start) === under;
  });
  if (shown.length === 0) return null;
  const byId = new Map(input.rules.map((r) => [r.id, r]));
  const parts = shown.map((f) => {
    const statement = migration && statementAt(migration, file, f.range.start);
    return findingMarkdown(f, byId.get(f.ruleId), statement, input.pgVersion, input.docsUrl(f.ruleId));
  });
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
}

function findingMarkdown(f: Finding, rule: Rule | undefined, statement: Statement | undefined, pgVersion: number, href: string | undefined): string {
  const lines = [`**migratelint \`${f.ruleId}\`** (${f.severity})${rule ? `: ${rule.summary}` : ''}`, '', f.message];
  const locks = lockLines(f, statement, pgVersion);
  if (locks.length) lines.push('', `**Lock:** ${locks.join('; ')}`);
  if (f.risk) {
    const { table, rows, estimate } = f.risk;
    lines.push('', `**Table:** ${table}${rows === null ? '' : `, about ${rows} rows`}; lock held an estimated ${estimate.lowSeconds}-${estimate.highSeconds} s`);
  }
  if (rule) {
    lines.push('', `**Why:** ${rule.docs.why}`, '', `**Safe alternative:** ${rule.docs.safe}`);
    if (rule.docs.good.trim()) lines.push('', '```sql', rule.docs.good.trim(), '```');
  }
  if (href) lines.push('', `[Rule documentation](${href})`);
  return lines.join('\n');
}

/** The locks the statement takes, in words; the one the rule named when the statement's own are unknown. */
function lockLines(f: Finding, statement: Statement | undefined, pgVersion: number): string[] {
  const found = statement && statement.kind !== 'Invalid' ? locksFor(statement, pgVersion) : [];
  if (found.length) return found.map((l) => describeLock(l));
  if (f.lock) return [`${f.lock.mode}${f.lock.table ? ` on "${f.lock.table}"` : ''}`];
  return [];
}
