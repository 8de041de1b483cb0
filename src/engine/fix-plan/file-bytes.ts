/**
 * A file's bytes next to the text the linter read from them, so that fixes are spliced
 * into the bytes: whatever is not edited stays byte for byte, even in a file that is not
 * UTF-8 (Latin-1 literals and comments), which the text holds as U+FFFD.
 *
 * The text is decoded here exactly as Node decodes UTF-8 (the WHATWG decoder: each
 * maximal invalid subpart becomes one U+FFFD), recording the byte offset of every UTF-16
 * unit, and checked against Node's own decoding; a leading BOM is dropped from the text
 * as the frontends drop it.
 */
import type { Position, Range, TextEdit } from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';

const REPLACEMENT = 0xfffd;

/** A lead byte's sequence: continuation bytes needed, its payload bits, and the range allowed for the second byte. */
function leadByte(b: number): { need: number; bits: number; lower: number; upper: number } | undefined {
  if (b >= 0xc2 && b <= 0xdf) return { need: 1, bits: b & 0x1f, lower: 0x80, upper: 0xbf };
  if (b >= 0xe0 && b <= 0xef) return { need: 2, bits: b & 0x0f, lower: b === 0xe0 ? 0xa0 : 0x80, upper: b === 0xed ? 0x9f : 0xbf };
  if (b >= 0xf0 && b <= 0xf4) return { need: 3, bits: b & 0x07, lower: b === 0xf0 ? 0x90 : 0x80, upper: b === 0xf4 ? 0x8f : 0xbf };
  return undefined;
}

/** UTF-16 text of `bytes` and, per UTF-16 unit, the offset of the byte it came from (one more entry: the end). */
function decodeWithOffsets(bytes: Uint8Array, from: number): { text: string; offsets: Uint32Array } {
  const units: number[] = [];
  const offsets: number[] = [];
  let i = from;
  const unit = (u: number, at: number) => {
    units.push(u);
    offsets.push(at);
  };
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      unit(b, i++);
      continue;
    }
    // WHATWG "UTF-8 decode", which Node follows.
    const lead = leadByte(b);
    if (!lead) {
      unit(REPLACEMENT, i++);
      continue;
    }
    let { lower, upper, bits: cp } = lead;
    const need = lead.need;
    const start = i;
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const c = bytes[j];
      if (c === undefined || c < lower || c > upper) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
      lower = 0x80;
      upper = 0xbf;
    }
    if (!ok) {
      // The maximal subpart read so far becomes one U+FFFD; the offending byte is read again.
      unit(REPLACEMENT, start);
      i = j;
      continue;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      unit(0xd800 + (v >> 10), start);
      unit(0xdc00 + (v & 0x3ff), start);
    } else unit(cp, start);
    i = j;
  }
  offsets.push(bytes.length);
  let text = '';
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192));
  return { text, offsets: Uint32Array.from(offsets) };
}

export class FileBytes {
  /** The text as the linter read it (BOM dropped); positions in findings refer to it. */
  readonly text: string;
  readonly lines: LineIndex;
  /** Whether the bytes are valid UTF-8 (then the text re-encodes to them exactly). */
  readonly utf8: boolean;
  private readonly offsets: Uint32Array;

  constructor(readonly bytes: Buffer) {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const { text, offsets } = decodeWithOffsets(bytes, bom);
    const node = bytes.toString('utf8', bom);
    if (text !== node) throw new Error('internal: the file decodes differently from Node');
    this.text = text;
    this.offsets = offsets;
    this.lines = new LineIndex(text);
    this.utf8 = !text.includes('\uFFFD') || Buffer.from(text, 'utf8').equals(bytes.subarray(bom));
  }

  /** Byte offset of a position in the text (1-based line, UTF-16 column). */
  byteAt(pos: Position): number {
    return this.offsets[this.lines.offset(pos)];
  }

  /** The bytes of a range of the text. */
  slice(range: Range): Buffer {
    return this.bytes.subarray(this.byteAt(range.start), this.byteAt(range.end));
  }

  /**
   * The bytes of `range` (the whole file when omitted) with `edits` applied: edits must lie
   * inside the range, sorted and not overlapping. What no edit touches is copied byte for byte.
   */
  render(edits: readonly TextEdit[], range?: Range): Buffer {
    const from = range ? this.byteAt(range.start) : 0;
    const to = range ? this.byteAt(range.end) : this.bytes.length;
    const parts: Buffer[] = [];
    let at = from;
    for (const e of edits) {
      const start = this.byteAt(e.range.start);
      const end = this.byteAt(e.range.end);
      parts.push(this.bytes.subarray(at, start), Buffer.from(e.text, 'utf8'));
      at = end;
    }
    parts.push(this.bytes.subarray(at, to));
    return Buffer.concat(parts);
  }
}

/** Whether an edit can go into a file that is not UTF-8: only ASCII text keeps the file in one encoding. */
export const isAsciiEdit = (e: TextEdit): boolean => /^[\x00-\x7f]*$/.test(e.text);
