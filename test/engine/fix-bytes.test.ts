/**
 * `--fix` edits bytes: a file that is not UTF-8 (Latin-1 literals and comments) keeps every
 * byte outside the edited spans, in place and in the migrations it writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { FileBytes } from '../../src/engine/fix-plan/file-bytes.js';

afterEach(cleanupProjects);

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('FileBytes', () => {
  it('decodes exactly as Node does, and maps every position to its byte', () => {
    const samples = [
      Buffer.from('plain ascii\nline 2'),
      Buffer.from('é😀x\r\ny\u2028z', 'utf8'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0x62]),
      latin1('caf\xe9 \xe0 la cr\xe8me'),
      Buffer.from([0x61, 0xe2, 0x82, 0x62, 0xf0, 0x9f, 0x98, 0x0a, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xf4, 0x90, 0x80, 0x80, 0x63]),
    ];
    for (const bytes of samples) {
      const f = new FileBytes(bytes);
      expect(f.text).toBe(bytes.toString('utf8').replace(/^\uFEFF/, ''));
      // Every character's bytes decode back to it (replacement characters stand for their invalid bytes).
      for (let i = 0; i < f.text.length; i++) {
        const start = f.lines.position(i);
        const end = f.lines.position(i + 1);
        const slice = f.slice({ start, end });
        if (f.text[i] !== '\uFFFD' && !(f.text.charCodeAt(i) >= 0xd800 && f.text.charCodeAt(i) <= 0xdfff)) expect(slice.toString('utf8')).toBe(f.text[i]);
      }
    }
  });

  it('renders edits into the bytes and keeps the rest', () => {
    const bytes = latin1("-- caf\xe9\nCREATE INDEX i ON t (a) WHERE note <> '\xe9t\xe9';\n");
    const f = new FileBytes(bytes);
    expect(f.utf8).toBe(false);
    const at = { line: 2, column: 13 };
    const out = f.render([{ file: 'f', range: { start: at, end: at }, text: ' CONCURRENTLY' }]);
    expect(out).toEqual(latin1("-- caf\xe9\nCREATE INDEX CONCURRENTLY i ON t (a) WHERE note <> '\xe9t\xe9';\n"));
  });
});

describe('--fix on a file that is not UTF-8', () => {
  it('changes only the edited span, byte for byte', async () => {
    const cwd = tempProject({});
    const original = latin1("-- index for the caf\xe9 report\nCREATE INDEX orders_note_idx ON orders (note) WHERE note <> 'cr\xe8me';\n");
    fs.mkdirSync(path.join(cwd, 'db'));
    fs.writeFileSync(path.join(cwd, 'db/000002_note.up.sql'), original);
    const run = await runCli(['lint', 'db', '--fix'], { cwd });
    expect(run.stderr).toMatch(/applied 1 fix in 1 file/);
    expect(fs.readFileSync(path.join(cwd, 'db/000002_note.up.sql'))).toEqual(
      latin1("-- index for the caf\xe9 report\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note) WHERE note <> 'cr\xe8me';\n"),
    );
  });

  it('moves a statement with its Latin-1 bytes to the new migration', async () => {
    const cwd = tempProject({ 'db/000001_t.up.sql': 'CREATE TABLE orders (id int, note text);\n', 'db/000001_t.down.sql': 'DROP TABLE orders;\n' });
    fs.writeFileSync(
      path.join(cwd, 'db/000002_note.up.sql'),
      latin1("-- caf\xe9\nALTER TABLE orders ADD COLUMN d text DEFAULT '\xe0';\nCREATE INDEX orders_note_idx ON orders (note) WHERE note <> 'cr\xe8me';\n"),
    );
    fs.writeFileSync(path.join(cwd, 'db/000002_note.down.sql'), 'DROP INDEX orders_note_idx;\nALTER TABLE orders DROP COLUMN d;\n');
    await runCli(['lint', 'db', '--fix'], { cwd });
    expect(fs.readFileSync(path.join(cwd, 'db/000002_note.up.sql'))).toEqual(latin1("-- caf\xe9\nALTER TABLE orders ADD COLUMN d text DEFAULT '\xe0';\n"));
    expect(fs.readFileSync(path.join(cwd, 'db/000003_create_orders_note_idx_concurrently.up.sql'))).toEqual(
      latin1("CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note) WHERE note <> 'cr\xe8me';\n"),
    );
  });
});
