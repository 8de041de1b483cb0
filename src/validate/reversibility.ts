import path from 'node:path';
import type { Finding, Migration } from '../ir/types.js';
import { parseDirective } from '../engine/directives.js';
import { classifyPath, partnerPath } from '../discover/classify.js';
import { changesDataOnly } from './data-only.js';
import { errorCount, migrationLabel, plural, FILE_START, type CheckResult } from './types.js';

/**
 * Check 3, pairing and reversibility: every migration whose format has down migrations
 * has a usable one, and every down has its up.
 *
 * Per format: golang-migrate and diesel pair `up`/`down` files; dbmate and goose have a
 * down section in the same file; Flyway undo files (`U<version>__`) are expected only in
 * folders that use them (undo is a paid Flyway feature); the code frameworks have a
 * down/downgrade/reverse. Prisma, drizzle, plain SQL files and Flyway folders without undo
 * files have no down convention: they are counted, not failed.
 *
 * Usable means present, or empty when the up is empty too (a merge revision). A down that
 * is missing, empty or declared irreversible fails the check, unless the migration says
 * it is irreversible on purpose with `migratelint-disable require-downgrade -- reason`
 * (the same comment the lint rule honours): then it is a warning that quotes the reason.
 */

/** The reason given in a `migratelint-disable require-downgrade -- reason` comment, or undefined. */
function acceptedIrreversible(m: Migration): string | undefined {
  for (const c of m.comments) {
    const d = parseDirective(c.text);
    if (!d || d.kind !== 'disable' || !(d.rules.length === 0 || d.rules.includes('require-downgrade'))) continue;
    const reason = /\s--\s*(.*?)\s*(?:\*\/)?\s*$/.exec(c.text.replace(/^\s*(--|#|\/\/|\/\*+)\s*/, ''))?.[1];
    return reason || 'no reason given';
  }
  return undefined;
}

export function reversibilityCheck(migrations: readonly Migration[]): CheckResult {
  const findings: Finding[] = [];
  let paired = 0;
  const without = new Map<string, number>();
  for (const m of migrations) {
    const label = migrationLabel(m);
    if (m.up.state === 'missing' && m.down.state !== 'missing') {
      const downFile = m.down.file ?? m.path;
      const expected = m.up.file ?? partnerPath(downFile, classifyPath(downFile));
      findings.push({
        ruleId: 'validate/reversibility-orphan-down',
        severity: 'error',
        message: `${path.basename(downFile)} has no up migration${expected ? ` (expected ${expected})` : ''}`,
        file: downFile,
        range: FILE_START,
        hint: 'restore the up file, or delete the down file if the migration was removed',
      });
      continue;
    }
    if (!m.expectsDown) {
      without.set(m.format, (without.get(m.format) ?? 0) + 1);
      continue;
    }
    paired++;
    const down = m.down;
    if (down.state === 'present' || (down.state === 'empty' && (m.up.state === 'empty' || m.up.state === 'missing'))) continue;
    const accepted = acceptedIrreversible(m);
    const upFile = m.up.file ?? m.path;
    const base = {
      severity: accepted ? ('warn' as const) : ('error' as const),
      file: down.state === 'missing' ? upFile : down.file ?? upFile,
      range: down.state === 'missing' ? m.up.range ?? FILE_START : down.range ?? FILE_START,
    };
    const because = accepted ? `; accepted as irreversible: ${accepted}` : '';
    if (down.state === 'missing') {
      findings.push({
        ...base,
        ruleId: 'validate/reversibility-missing-down',
        message: `${label} has no down migration${down.file ? ` (expected ${down.file})` : down.reason ? ` (${down.reason})` : ''}${because}`,
        hint: accepted ? undefined : 'write the down that undoes the up, so a failed deploy can be rolled back',
      });
    } else if (down.state === 'empty') {
      findings.push({
        ...base,
        ruleId: 'validate/reversibility-empty-down',
        message: changesDataOnly(m.up)
          ? `down of ${label} is empty: rolling back does nothing, and the rows the up changes stay changed${because}`
          : `down of ${label} is empty: rolling back does nothing, while the up changes the schema${because}`,
        hint: accepted ? undefined : changesDataOnly(m.up) ? 'write the statements that undo the data change, or accept it: migratelint-disable require-downgrade -- <reason>' : 'write the statements that undo the up',
      });
    } else {
      findings.push({
        ...base,
        ruleId: 'validate/reversibility-irreversible',
        message: `down of ${label} is declared irreversible${down.reason ? ` (${down.reason})` : ''}${because}`,
        hint: accepted ? undefined : 'if it truly cannot be undone, say so with "migratelint-disable require-downgrade -- <reason>" and plan a restore from backup',
      });
    }
  }
  const errors = errorCount(findings);
  const notApplicable = [...without].map(([format, n]) => `${n} ${format}`).join(', ');
  const tail = notApplicable ? `; ${notApplicable} without a down convention` : '';
  return {
    id: 'reversibility',
    status: errors ? 'failed' : 'passed',
    summary: errors
      ? `${plural(paired, 'migration')} with downs: ${plural(errors, 'error')}${tail}`
      : `${plural(paired, 'migration')} with downs, all usable${tail}`,
    findings,
  };
}
