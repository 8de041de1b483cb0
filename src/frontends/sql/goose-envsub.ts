/**
 * goose's `-- +goose ENVSUB ON` / `-- +goose ENVSUB OFF`: between them goose replaces
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` with values from the
 * environment before sending the SQL. Nobody knows those values when linting, so each
 * reference becomes an identifier of the same length (`${REGION}post` reads as
 * `_REGION__post`): the statement parses the way it will at deploy for the usual uses (a
 * name or part of one, a value inside quotes), and every offset still points at the file.
 * Outside such a region goose sends `${VAR}` as written, and so does this.
 *
 * goose reads its annotations line by line, wherever they are (even inside a `$$` body):
 * they are found the same way here.
 */

const ANNOTATION = /^--\s*\+goose\s+envsub\s+(on|off)\s*$/gim;

/** `${NAME...}` or `$NAME` not followed by `$` (that would be a dollar-quote tag `$body$`), not escaped as `\$`. */
const REFERENCE = /(?<!\\)\$\{([A-Za-z_]\w*)[^}\n]*\}|(?<![\\\w$])\$([A-Za-z_]\w*)(?![\w$])/g;

/** The file's text with the references inside ENVSUB regions replaced; undefined when the file has none. */
export function gooseEnvsub(text: string): string | undefined {
  if (!/\+goose\s+envsub/i.test(text)) return undefined;
  const regions: [number, number][] = [];
  let on: number | undefined;
  for (const m of text.matchAll(ANNOTATION)) {
    if (m[1].toLowerCase() === 'on') on ??= m.index + m[0].length;
    else if (on !== undefined) {
      regions.push([on, m.index]);
      on = undefined;
    }
  }
  if (on !== undefined) regions.push([on, text.length]);
  if (!regions.length) return undefined;
  let out = '';
  let at = 0;
  for (const [from, to] of regions) {
    out += text.slice(at, from);
    out += text.slice(from, to).replace(REFERENCE, (whole: string, braced?: string, bare?: string) => `_${braced ?? bare}`.padEnd(whole.length, '_'));
    at = to;
  }
  return out + text.slice(at);
}
