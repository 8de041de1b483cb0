import type { Position } from './types.js';

/** Line starts of a text, to turn UTF-16 offsets into 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    // Every file is indexed: without carriage returns, the native search beats a character loop.
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  offset(pos: Position): number {
    const start = this.starts[Math.min(pos.line, this.starts.length) - 1] ?? 0;
    return Math.min(start + pos.column - 1, this.text.length);
  }

  lineCount(): number {
    return this.starts.length;
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/** A native regex scan: this runs over every chunk and statement. */
function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/**
 * Converts offsets the parser reports into UTF-16 offsets of the JS string:
 * node locations are UTF-8 byte offsets, error cursors are code point indexes.
 */
export class OffsetConverter {
  private byteToUtf16?: Uint32Array;
  private readonly ascii: boolean;

  constructor(private readonly text: string) {
    this.ascii = isAscii(text);
  }

  fromByte(byteOffset: number): number {
    if (this.ascii) return Math.min(byteOffset, this.text.length);
    if (!this.byteToUtf16) this.byteToUtf16 = buildByteMap(this.text);
    const map = this.byteToUtf16;
    return map[Math.min(byteOffset, map.length - 1)];
  }

  fromCodePoint(index: number): number {
    if (this.ascii) return Math.min(index, this.text.length);
    let utf16 = 0;
    for (let cp = 0; cp < index && utf16 < this.text.length; cp++) {
      const c = this.text.charCodeAt(utf16);
      utf16 += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    }
    return utf16;
  }

  /** UTF-8 length of text[0, utf16Offset). */
  toByte(utf16Offset: number): number {
    if (this.ascii) return utf16Offset;
    return Buffer.byteLength(this.text.slice(0, utf16Offset), 'utf8');
  }
}

function buildByteMap(text: string): Uint32Array {
  const map = new Uint32Array(Buffer.byteLength(text, 'utf8') + 1);
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let width: number;
    let units = 1;
    if (c < 0x80) width = 1;
    else if (c < 0x800) width = 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      width = 4;
      units = 2;
    } else width = 3;
    for (let b = 0; b < width; b++) map[byte + b] = i;
    byte += width;
    i += units - 1;
  }
  map[byte] = text.length;
  return map;
}
