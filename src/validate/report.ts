import type { Finding } from '../ir/types.js';
import { createColors } from 'picocolors';
import type { ReportContext, ReportInput } from '../report/context.js';
import { clean, findingHeadline, findingNotes, oneLine } from '../report/text.js';
import { jsonLocation, jsonMigration } from '../report/json.js';
import { escapeMarkdown, markdownLocation } from '../report/markdown.js';
import { describeRule, sarifLog } from '../report/sarif.js';
import { githubReporter } from '../report/github.js';
import { gitlabReporter } from '../report/gitlab.js';
import { junitReporter } from '../report/junit.js';
import { compactReporter } from '../report/compact.js';
import { VALIDATE_RULES, describeValidateRule } from './rules.js';
import { notTriedByReason, type GroupCoverage } from './trial-coverage.js';
import { CHECK_TITLES, errorCount, plural, type CheckId, type CheckResult, type ValidateResult } from './types.js';

/**
 * Validate's outputs, rendered with src/report's pieces: text, JSON and markdown keep
 * validate's layout (a section per check, then the verdict); SARIF, GitHub, GitLab, JUnit
 * and compact are src/report's formats over every check's findings.
 */
export type ValidateReporter = (result: ValidateResult, ctx: ReportContext) => string;

/** A validate run as a reporter's input: every check's findings, in the order of the checks. */
export function reportInput(result: ValidateResult): ReportInput {
  const findings = result.checks.flatMap((c) => c.findings);
  const errors = errorCount(findings);
  const files = [...new Set(result.migrations.flatMap((m) => m.files))];
  return {
    files,
    migrations: result.migrations,
    counts: { files: files.length, migrations: result.migrations.length },
    findings,
    rules: result.lintRules,
    errorCount: errors,
    warningCount: findings.length - errors,
  };
}

function counts(result: ValidateResult) {
  const failed = result.checks.filter((c) => c.status === 'failed');
  const skipped = result.checks.filter((c) => c.status === 'skipped');
  const partial = result.checks.filter((c) => c.status === 'partial');
  const passed = result.checks.filter((c) => c.status === 'passed');
  const findings = result.checks.flatMap((c) => c.findings);
  return { failed, skipped, partial, passed, errors: errorCount(findings), warnings: findings.length - errorCount(findings) };
}

/** The trial's not-tried list grouped by reason (`up: depends on …` → labels). */
function notTriedOf(c: CheckResult): [string, string[]][] {
  const groups = c.data?.groups;
  if (c.id !== 'trial' || !Array.isArray(groups)) return [];
  return [...notTriedByReason(groups as GroupCoverage[])];
}

/** At most `max` names, then how many more. */
function someOf(names: readonly string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function notesOf(c: CheckResult): string[] {
  const notes = c.data?.notes;
  return Array.isArray(notes) ? (notes as string[]) : [];
}

function pendingOf(c: CheckResult): { id: string; file: string }[] {
  const p = c.data?.pending;
  return Array.isArray(p) ? (p as { id: string; file: string }[]) : [];
}

/** One line per check (✔ / ✖ / -), the findings under it, then the verdict. */
export const validateTextReporter: ValidateReporter = (result, ctx) => {
  const c = createColors(ctx.color);
  const out: string[] = [];
  const width = Math.max(...result.checks.map((k) => CHECK_TITLES[k.id].length));
  for (const check of result.checks) {
    const title = CHECK_TITLES[check.id].padEnd(width);
    const mark = check.status === 'passed' ? c.green('✔') : check.status === 'failed' ? c.red('✖') : check.status === 'partial' ? c.yellow('⚠') : c.dim('-');
    const line = `${mark} ${c.bold(title)}  ${oneLine(check.summary)}`;
    out.push(check.status === 'skipped' ? c.dim(`- ${title}  ${oneLine(check.summary)}`) : line);
    for (const f of check.findings) out.push(`    ${findingHeadline(f, c)}`, ...findingNotes(f, c, '    '));
    for (const [reason, names] of notTriedOf(check)) out.push(c.yellow(`    not tried (${oneLine(reason)}): ${oneLine(someOf(names))}`));
    for (const n of notesOf(check)) out.push(c.dim(`    note: ${oneLine(n)}`));
    const pending = pendingOf(check);
    if (check.id === 'drift' && pending.length) {
      out.push(`    pending (a deploy would apply, in order):`);
      for (const p of pending) out.push(`      ${oneLine(p.id)}  ${oneLine(p.file)}`);
    }
  }
  const k = counts(result);
  out.push('');
  const skippedText = k.skipped.length ? `, ${k.skipped.length} skipped (${k.skipped.map((s) => s.id).join(', ')})` : '';
  const time = `${(result.durationMs / 1000).toFixed(1)} s`;
  if (result.ok && k.partial.length) {
    // Nothing failed, but something was not covered: no tick over a partial run.
    out.push(
      c.yellow(
        c.bold(
          `⚠ validate passed what it tried: ${plural(k.passed.length, 'check')} passed, ${k.partial.length} partial (${k.partial.map((p) => p.id).join(', ')})${skippedText}, ` +
            `${plural(result.migrations.length, 'migration')}, ${time}`,
        ),
      ),
    );
  } else if (result.ok) {
    out.push(c.green(c.bold(`✔ validate passed: ${plural(k.passed.length, 'check')} passed${skippedText}, ${plural(result.migrations.length, 'migration')}, ${time}`)));
  } else {
    out.push(
      c.red(
        c.bold(
          `✖ validate failed: ${k.failed.length} of ${plural(result.checks.length, 'check')} failed (${k.failed.map((f) => f.id).join(', ')})${skippedText}; ` +
            `${plural(k.errors, 'error')}, ${plural(k.warnings, 'warning')}, ${time}`,
        ),
      ),
    );
  }
  return out.join('\n') + '\n';
};

/**
 * The JSON output. Stable shape, fields only ever added:
 * `{ tool, command: "validate", ok, summary: { checks, passed, partial, failed, skipped, errors, warnings, migrations },
 *    target, durationMs, checks: [{ id, status, summary, findings: [...], data }], migrations: [...] }`.
 * Lines and columns are 1-based; `endColumn` is exclusive; `file`/`line` are null for
 * findings about the target database.
 */
export const validateJsonReporter: ValidateReporter = (result, ctx) => {
  const k = counts(result);
  const out = {
    tool: { name: 'migratelint', version: ctx.toolVersion },
    command: 'validate',
    ok: result.ok,
    summary: {
      checks: result.checks.length,
      passed: k.passed.length,
      partial: k.partial.length,
      failed: k.failed.length,
      skipped: k.skipped.length,
      errors: k.errors,
      warnings: k.warnings,
      migrations: result.migrations.length,
    },
    target: result.target ?? null,
    durationMs: result.durationMs,
    checks: result.checks.map((c) => ({
      id: c.id,
      status: c.status,
      summary: c.summary,
      findings: c.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        ...jsonLocation(f),
        details: f.details ?? [],
        hint: f.hint ?? null,
      })),
      data: c.data ?? null,
    })),
    migrations: result.migrations.map(jsonMigration),
  };
  return JSON.stringify(out, null, 2) + '\n';
};

/** A marker bots can look for to update their previous comment. */
export const VALIDATE_MARKDOWN_MARKER = '<!-- migratelint-validate-report -->';

/** Inline code that cannot be broken by backticks in the text. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest ? ' ' : ''}${text}${longest ? ' ' : ''}${fence}`;
}

/** For the release ticket or the pull request: a table of checks, then each failing check's findings. */
export const validateMarkdownReporter: ValidateReporter = (result, ctx) => {
  const k = counts(result);
  const verdict = !result.ok ? '❌ failed' : k.partial.length ? '⚠️ passed what it tried' : '✅ passed';
  const out: string[] = [VALIDATE_MARKDOWN_MARKER, `### migratelint validate: ${verdict}`, ''];
  out.push(
    `${plural(result.migrations.length, 'migration')}${result.target ? ` against ${code(result.target)}` : ''}: ` +
      `${k.passed.length} passed, ${k.partial.length ? `${k.partial.length} partial, ` : ''}${k.failed.length} failed, ${k.skipped.length} skipped; ${plural(k.errors, 'error')}, ${plural(k.warnings, 'warning')}.`,
    '',
  );
  out.push('| Check | Result | Summary |', '| --- | --- | --- |');
  for (const c of result.checks) {
    const status = c.status === 'passed' ? '✅ passed' : c.status === 'failed' ? '❌ failed' : c.status === 'partial' ? '⚠️ partial' : '⏭️ skipped';
    out.push(`| ${CHECK_TITLES[c.id]} | ${status} | ${escapeMarkdown(c.summary)} |`);
  }
  for (const c of result.checks) {
    const notes = notesOf(c);
    const pending = c.id === 'drift' ? pendingOf(c) : [];
    const untried = notTriedOf(c);
    if (!c.findings.length && !notes.length && !pending.length && !untried.length) continue;
    out.push('', `#### ${c.status === 'failed' ? '❌' : c.status === 'passed' ? '✅' : c.status === 'partial' ? '⚠️' : '⏭️'} ${CHECK_TITLES[c.id]}`, '');
    for (const f of c.findings) {
      const sev = f.severity === 'error' ? '🔴 **error**' : '🟡 warning';
      const where = markdownLocation(f);
      out.push(`- ${sev}${where ? ` ${where}` : ''}: ${escapeMarkdown(f.message)} ${code(f.ruleId)}`);
      if (f.hint) out.push(`  <br>_hint:_ ${escapeMarkdown(f.hint)}`);
      if (f.details?.length) {
        const body = f.details.flatMap((d) => [`${d.label}:`, ...d.lines.map((l) => `  ${l}`)]).join('\n');
        const fence = '`'.repeat(Math.max(3, ...(body.match(/`+/g) ?? []).map((s) => s.length + 1)));
        out.push('', '  <details><summary>details</summary>', '', `  ${fence}text`, ...clean(body).split('\n').map((l) => `  ${l}`), `  ${fence}`, '', '  </details>', '');
      }
    }
    for (const [reason, names] of untried) out.push(`- not tried (${escapeMarkdown(reason)}): ${names.map(code).join(', ')}`);
    for (const n of notes) out.push(`- note: ${escapeMarkdown(n)}`);
    if (pending.length) {
      out.push('', `Pending on the target (a deploy would apply, in order): ${pending.map((p) => code(p.id)).join(', ')}`);
    }
  }
  out.push('', `<sub>migratelint ${escapeMarkdown(ctx.toolVersion)} · ${(result.durationMs / 1000).toFixed(1)} s</sub>`);
  return out.join('\n') + '\n';
};

/**
 * SARIF through src/report's writer: validate's rules, then the lint rules that have
 * findings; findings about the target database alone are tool execution notifications;
 * each result names its check, and `runs[0].properties` holds the verdict and each
 * check's status, skipped ones included.
 */
export const validateSarifReporter: ValidateReporter = (result, ctx) => {
  const input = reportInput(result);
  const checkOf = new Map<Finding, CheckId>();
  for (const c of result.checks) for (const f of c.findings) checkOf.set(f, c.id);
  const lintIds = new Set(result.checks.filter((c) => c.id === 'lint').flatMap((c) => c.findings.map((f) => f.ruleId)));
  return sarifLog(
    {
      findings: input.findings,
      files: input.files,
      migrations: input.migrations,
      rules: [...VALIDATE_RULES.map(describeValidateRule), ...result.lintRules.filter((r) => lintIds.has(r.id)).map(describeRule)],
      commandLine: 'migratelint validate',
      resultProperties: (f) => ({ check: checkOf.get(f) }),
      properties: { ok: result.ok, checks: result.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary })) },
    },
    ctx,
  );
};

export const validateReporters: Record<string, ValidateReporter> = {
  text: validateTextReporter,
  json: validateJsonReporter,
  sarif: validateSarifReporter,
  markdown: validateMarkdownReporter,
  github: (result, ctx) => githubReporter(reportInput(result), ctx),
  gitlab: (result, ctx) => gitlabReporter(reportInput(result), ctx),
  junit: (result, ctx) => junitReporter(reportInput(result), ctx),
  compact: (result, ctx) => compactReporter(reportInput(result), ctx),
};
