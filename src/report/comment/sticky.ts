/**
 * The hidden line that marks migratelint's comment on a pull request, so the next run
 * edits it instead of adding another. A name keeps several apart (lint's and validate's).
 */
export function stickyMarker(name?: string): string {
  return name ? `<!-- migratelint:${name} -->` : '<!-- migratelint -->';
}

/** Whether a comment is the one this marker names: the marker opens it (a quote of it does not). */
export const isSticky = (body: unknown, marker: string): boolean => typeof body === 'string' && body.startsWith(marker);

/**
 * The comment: the marker, then the report, cut at a line to fit the host's limit with a
 * word saying so (a report from `--body` may be any length; lint's own markdown fits).
 */
export function stickyBody(marker: string, report: string, limit: number): string {
  const whole = `${marker}\n${report}`;
  if (whole.length <= limit) return whole;
  const note = '\n\n_… cut here: the report is longer than a comment can hold; the job log has all of it._\n';
  const room = whole.slice(0, limit - note.length);
  const cut = room.lastIndexOf('\n');
  return (cut > marker.length ? room.slice(0, cut) : room) + note;
}
