import fs from 'node:fs';

/**
 * Words for what a path is when it is not what was expected (a FIFO named like a config,
 * a directory where a file was meant, /dev/zero), so a message can say what was found
 * instead of "no such file".
 */
export function describeKind(stat: fs.Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** What a path is, following links: its stats, or why it has none in words (missing, a link loop, not permitted). */
export function inspectPath(abs: string): { stat: fs.Stats } | { missing: string } {
  try {
    return { stat: fs.statSync(abs) };
  } catch (e) {
    return { missing: whyUnreachable(abs, (e as NodeJS.ErrnoException).code) };
  }
}

function whyUnreachable(abs: string, code: string | undefined): string {
  if (code === 'ELOOP') return 'a symbolic link loop';
  if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission denied)';
  if (code === 'ENAMETOOLONG') return 'a name too long for the file system';
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const link = fs.lstatSync(abs, { throwIfNoEntry: false });
    return link?.isSymbolicLink() ? 'a symbolic link to nothing (its target does not exist)' : 'no such file or directory';
  }
  return `unreadable (${code ?? 'unknown error'})`;
}
