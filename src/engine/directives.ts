import type { Comment, Finding, Migration, Position, Range } from '../ir/types.js';
import { directionAt } from '../ir/direction.js';

const UNUSED_DISABLE = 'unused-disable';
const UNKNOWN_RULE = 'unknown-rule';

interface Directive {
  kind: 'disable' | 'disable-next-line';
  /** Empty means every rule. */
  rules: { name: string; used: boolean }[];
  usedForAll: boolean;
  comment: Comment;
  /** The span the directive covers in its file. */
  scope: { from: Position; to?: Position };
}

const DIRECTIVE = /migratelint-(disable-next-line|disable)(?=\s|$|\*\/)([^]*)$/;

/** Reads `migratelint-disable[-next-line] rule, rule -- reason` out of a comment's text. */
export function parseDirective(text: string): { kind: Directive['kind']; rules: string[] } | undefined {
  const body = text.replace(/^\s*(--|\/\*+|\/\/|#)\s*/, '').replace(/\*\/\s*$/, '');
  const m = DIRECTIVE.exec(body.trim());
  if (!m || body.trim().indexOf('migratelint-') !== 0) return undefined;
  const list = m[2].split(/\s--\s|\s--$/)[0];
  const rules = list
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  return { kind: m[1] as Directive['kind'], rules };
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column < b.column);
const within = (p: Position, r: { from: Position; to?: Position }) => !before(p, r.from) && (!r.to || !before(r.to, p));

/**
 * Drops findings that ignore comments suppress, and reports the comments that
 * suppress nothing or name rules that do not exist.
 */
export function applyDirectives(
  migration: Migration,
  findings: Finding[],
  knownRules: ReadonlySet<string>,
  severityOf: (ruleId: string) => 'error' | 'warn' | 'off',
): Finding[] {
  if (migration.comments.length === 0) return findings;
  const directives = collectDirectives(migration);
  if (directives.length === 0) return findings;

  const kept = findings.filter((f) => {
    let suppressed = false;
    for (const d of directives) {
      if (d.comment.file !== f.file || !within(f.range.start, d.scope)) continue;
      if (d.rules.length === 0) {
        d.usedForAll = true;
        suppressed = true;
      }
      for (const r of d.rules) {
        if (r.name === f.ruleId) {
          r.used = true;
          suppressed = true;
        }
      }
    }
    return !suppressed;
  });

  const meta: Finding[] = [];
  const add = (ruleId: string, range: Range, file: string, message: string) => {
    const severity = severityOf(ruleId);
    if (severity !== 'off') meta.push({ ruleId, severity, file, range, message, direction: directionAt(migration, file, range.start) });
  };
  for (const d of directives) {
    if (d.comment.implied) continue;
    const { file, range } = d.comment;
    if (d.rules.length === 0 && !d.usedForAll) {
      add(UNUSED_DISABLE, range, file, `migratelint-${d.kind} suppresses nothing here; remove it`);
    }
    for (const r of d.rules) {
      if (!knownRules.has(r.name)) add(UNKNOWN_RULE, range, file, `migratelint-${d.kind} names unknown rule "${r.name}"`);
      else if (!r.used) add(UNUSED_DISABLE, range, file, `migratelint-${d.kind} for "${r.name}" suppresses nothing here; remove it`);
    }
  }
  return meta.length ? [...kept, ...meta] : kept;
}

function collectDirectives(migration: Migration): Directive[] {
  const statements = [migration.up, migration.down].flatMap((s) => s.statements);
  const out: Directive[] = [];
  for (const comment of migration.comments) {
    const parsed = parseDirective(comment.text);
    if (!parsed) continue;
    let scope: Directive['scope'];
    if (comment.implied) {
      scope = { from: comment.range.start, to: comment.range.end };
    } else if (parsed.kind === 'disable') {
      scope = { from: comment.range.end };
    } else {
      const next = statements
        .filter((s) => s.chunk.file === comment.file && !before(s.range.start, comment.range.end))
        .sort((a, b) => (before(a.range.start, b.range.start) ? -1 : 1))[0];
      scope = next
        ? { from: next.range.start, to: next.range.end }
        : { from: { line: comment.range.end.line + 1, column: 1 }, to: { line: comment.range.end.line + 1, column: Infinity } };
    }
    out.push({
      kind: parsed.kind,
      rules: parsed.rules.map((name) => ({ name, used: false })),
      usedForAll: false,
      comment,
      scope,
    });
  }
  return out;
}
