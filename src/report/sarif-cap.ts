import type { Finding } from '../ir/types.js';
import { HOMEPAGE } from '../meta.js';

/**
 * GitHub code scanning rejects a run with more results than this (its documented hard
 * limit per run), so the whole upload would be lost for the sake of the last few.
 */
export const SARIF_MAX_RESULTS = 25_000;

/**
 * Which findings a run keeps when it has too many: the most severe first (errors, then
 * warnings), in file order within a severity; the kept ones stay in the run's order.
 */
export function capResults<F extends Pick<Finding, 'severity'>>(findings: readonly F[], limit = SARIF_MAX_RESULTS): { kept: F[]; leftOut: number } {
  if (findings.length <= limit) return { kept: [...findings], leftOut: 0 };
  const errors = findings.filter((f) => f.severity === 'error').length;
  // Every error while room lasts, then warnings in order: one pass, no sort, order kept.
  let errorRoom = Math.min(errors, limit);
  let warnRoom = limit - errorRoom;
  const kept = findings.filter((f) => (f.severity === 'error' ? errorRoom-- > 0 : warnRoom-- > 0));
  return { kept, leftOut: findings.length - kept.length };
}

const WHY =
  `GitHub code scanning rejects a run with more than ${SARIF_MAX_RESULTS.toLocaleString('en-US')} results, ` +
  'so the report keeps the most severe findings (errors first, then in file order) and says how many it left out.';
const INSTEAD = 'Run `migratelint lint --format json` (or text) to see every finding, or lint fewer files per upload (`--changed-since`).';

/** Declared in `tool.driver.notifications` so the notification names it, as GitHub wants. */
export const RESULTS_CAPPED_DESCRIPTOR = {
  id: 'results-capped',
  name: 'ResultsCapped',
  shortDescription: { text: 'Some findings were left out of this SARIF run' },
  fullDescription: { text: WHY },
  help: { text: `${WHY}\n\n${INSTEAD}`, markdown: `${WHY}\n\n**Instead:** ${INSTEAD}\n` },
  helpUri: `${HOMEPAGE}#output-formats-and-ci`,
  defaultConfiguration: { level: 'warning' },
} as const;

/** The run-level notification: how many were left out, and how to see them. */
export function cappedNotification(leftOut: number, total: number, limit: number, descriptorIndex: number) {
  const n = (x: number) => x.toLocaleString('en-US');
  const why =
    limit === SARIF_MAX_RESULTS
      ? `GitHub code scanning accepts at most ${n(SARIF_MAX_RESULTS)} results per run`
      : `this report keeps at most ${n(limit)} results per run`;
  return {
    level: 'warning' as const,
    message: {
      text: `${n(leftOut)} of ${n(total)} findings are not in this report: ${why}, so the most severe were kept. Run \`migratelint lint --format json\` to see every finding.`,
    },
    descriptor: { id: RESULTS_CAPPED_DESCRIPTOR.id, index: descriptorIndex },
  };
}
