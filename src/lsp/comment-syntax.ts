/**
 * How a line comment starts in each kind of migration file, for the "disable for this
 * line" action: the directive parser (src/engine/directives.ts) reads `--`, `//` and `#`
 * comments alike, but each file has to get the one its language allows.
 */
import path from 'node:path';

const BY_EXTENSION: Record<string, string> = {
  '.sql': '--',
  '.py': '#',
  '.rb': '#',
};

/** The line-comment prefix of a migration file; JavaScript and TypeScript (every other format read) use `//`. */
export function lineCommentFor(file: string): string {
  return BY_EXTENSION[path.extname(file).toLowerCase()] ?? '//';
}
