/**
 * Code actions on findings: the rule's own fix as a quick fix, "disable for this line"
 * (the format's ignore comment, with a reason to fill in), and the rule's documentation.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix, Migration } from '../ir/types.js';
import { toLspPosition, toLspRange } from './ranges.js';
import { toDiagnostic } from './diagnostics.js';
import { statementAt } from './statements.js';
import { lineCommentFor } from './comment-syntax.js';

export const SHOW_DOCS_COMMAND = 'migratelint.showRuleDocs';

/** Written where the reason goes: a disable without one says nothing to the next reader. */
export const REASON_PLACEHOLDER = 'TODO: say why this is safe here';

/** Rules about ignore comments themselves: another ignore comment is no answer to them. */
const NOT_DISABLED = new Set(['unused-disable', 'unknown-rule']);

export interface ActionInput {
  doc: TextDocument;
  /** The document's path relative to the project's root (as findings name files). */
  file: string;
  migration?: Migration;
  findings: readonly Finding[];
  range: Range;
  docsUrl(ruleId: string): string | undefined;
}

const beforeOrAt = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const overlap = (a: Range, b: Range) => beforeOrAt(a.start, b.end) && beforeOrAt(b.start, a.end);

export function codeActions(input: ActionInput): CodeAction[] {
  const { doc, file, range } = input;
  const lineLength = (line: number) => lineText(doc, line).length;
  const actions: CodeAction[] = [];
  for (const f of input.findings) {
    if (f.file !== file) continue;
    const diagnostic = toDiagnostic(f, input.docsUrl, lineLength);
    if (!overlap(diagnostic.range, range)) continue;
    const fix = inPlaceEdits(f.fix, file);
    if (fix) actions.push(quickFix(f.fix!.description, doc.uri, fix, diagnostic, true));
    const disable = input.migration && !NOT_DISABLED.has(f.ruleId) ? disableEdit(doc, file, input.migration, f) : undefined;
    if (disable) actions.push(quickFix(`Disable ${f.ruleId} for this line`, doc.uri, [disable], diagnostic, false));
    const href = input.docsUrl(f.ruleId);
    if (href) {
      const title = `Show documentation for ${f.ruleId}`;
      actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: SHOW_DOCS_COMMAND, arguments: [f.ruleId, href] } });
    }
  }
  return actions;
}

function quickFix(title: string, uri: string, edits: TextEdit[], diagnostic: Diagnostic, isPreferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred, edit: { changes: { [uri]: edits } } };
}

/**
 * A fix as edits of this file alone. Fixes `--fix` has to place across files are left to
 * it: `own-migration` moves the statement into a new migration file, and a `followUp`
 * needs a second migration after this one (src/engine/fix-plan decides both, on disk).
 */
function inPlaceEdits(fix: Fix | undefined, file: string): TextEdit[] | undefined {
  if (!fix || fix.placement !== undefined || fix.followUp || fix.edits.length === 0) return undefined;
  if (!fix.edits.every((e) => e.file === file)) return undefined;
  return fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.text }));
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

/**
 * `migratelint-disable-next-line <rule> -- <reason>` just before the statement holding the
 * finding: the directive covers the next statement (src/engine/directives.ts), so it goes
 * before the statement's first line, not before the finding's line inside it. A finding on
 * no statement (about the file as a whole) gets no such action: the comment would cover
 * nothing.
 */
function disableEdit(doc: TextDocument, file: string, migration: Migration, f: Finding): TextEdit | undefined {
  const statement = statementAt(migration, file, f.range.start);
  if (!statement) return undefined;
  const start = toLspPosition(statement.range.start);
  const line = lineText(doc, start.line);
  const indent = /^\s*/.exec(line)![0];
  const comment = `${lineCommentFor(file)} migratelint-disable-next-line ${f.ruleId} -- ${REASON_PLACEHOLDER}`;
  if (line.slice(0, start.character).trim() === '' || lineCommentFor(file) !== '--') {
    return { range: { start: { line: start.line, character: 0 }, end: { line: start.line, character: 0 } }, newText: `${indent}${comment}\n` };
  }
  // SQL after another statement on the same line: the comment goes between the two.
  return { range: { start, end: start }, newText: `\n${indent}${comment}\n${indent}` };
}
