/**
 * One Ruby file as Prism sees it: Prism's locations are UTF-8 byte offsets, the IR's are
 * UTF-16 offsets and 1-based line/column; this is the one place that converts.
 */
import type { Comment, Range, Position } from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';
import type { RubyParse } from './prism.js';

/** A Prism node, read structurally: its class name and the fields each kind has. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RNode = any;

export interface RLocation {
  startOffset: number;
  length: number;
}

export const kind = (n: RNode): string => (n && typeof n === 'object' ? (n.constructor?.name as string) : '');

export class RbFile {
  readonly lines: LineIndex;
  readonly root: RNode;
  readonly errors: { message: string; location: RLocation }[];
  private readonly comments: { location: RLocation }[];
  /** UTF-16 offset of each byte offset; undefined while the file is ASCII (they agree). */
  private readonly utf16: Uint32Array | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    parse: RubyParse,
  ) {
    this.lines = new LineIndex(text);
    // eslint-disable-next-line no-control-regex
    this.utf16 = /^[\x00-\x7f]*$/.test(text) ? undefined : byteToUtf16(text);
    const result = parse(text);
    this.root = result.value;
    this.errors = result.errors;
    this.comments = result.comments;
  }

  /** UTF-16 offset of a byte offset. */
  offset(byte: number): number {
    if (!this.utf16) return Math.min(byte, this.text.length);
    return this.utf16[Math.max(0, Math.min(byte, this.utf16.length - 1))];
  }

  position(byte: number): Position {
    return this.lines.position(this.offset(byte));
  }

  range(loc: RLocation): Range {
    return { start: this.position(loc.startOffset), end: this.position(loc.startOffset + loc.length) };
  }

  src(n: RNode | RLocation | undefined): string {
    const loc: RLocation | undefined = n && 'startOffset' in n ? n : n?.location;
    if (!loc) return '';
    return this.text.slice(this.offset(loc.startOffset), this.offset(loc.startOffset + loc.length));
  }

  /** `# migratelint-disable…` comments, for the engine's ignore directives. */
  directiveComments(): Comment[] {
    if (!this.text.includes('migratelint-')) return [];
    const out: Comment[] = [];
    for (const c of this.comments) {
      const text = this.src(c.location);
      if (!text.includes('migratelint-')) continue;
      out.push({ file: this.file, text, range: this.range(c.location), endOffset: this.offset(c.location.startOffset + c.location.length) });
    }
    return out;
  }
}

function byteToUtf16(text: string): Uint32Array {
  const bytes = Buffer.byteLength(text, 'utf8');
  const map = new Uint32Array(bytes + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    const width = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) map[b + k] = i;
    b += width;
    if (c >= 0x10000) i++;
  }
  map[bytes] = text.length;
  return map;
}
