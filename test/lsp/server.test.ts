/**
 * The language server, driven over stdio by a protocol client as an editor drives it:
 * one server process for every case (start-up is the slow part), one temp project with a
 * SQL pair, a knex migration and an Alembic revision.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver/node';
import { LspClient, uriOf } from './client.js';

let dir: string;
let client: LspClient;

const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
  return path.join(dir, rel);
};
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();
const byCode = (ds: Diagnostic[], code: string) => ds.find((d) => d.code === code)!;

/** Applies single-file text edits (as an editor would) to `text`. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

async function actionsAt(file: string, d: Diagnostic): Promise<CodeAction[]> {
  return client.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri: uriOf(file) }, range: d.range, context: { diagnostics: [d] } });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-lsp-'));
  write('migrations/000001_create_orders.up.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer);\n');
  write('migrations/000001_create_orders.down.sql', 'DROP TABLE orders;\n');
  client = await LspClient.start(dir);
});

afterAll(async () => {
  const code = await client?.stop();
  expect(code).toBe(0);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('migratelint lsp --stdio', () => {
  const UP = 'CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;\n';

  it('SQL pair: diagnostics on open, with the history and the partner taken into account', async () => {
    const up = write('migrations/000002_index.up.sql', UP);
    const ds = await client.open(up, UP);
    expect(codes(ds)).toEqual(['no-rewriting-column-type-change', 'require-concurrent-index', 'require-downgrade']);
    const index = byCode(ds, 'require-concurrent-index');
    expect(index).toMatchObject({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 56 } },
      severity: 1,
      source: 'migratelint',
      codeDescription: { href: expect.stringMatching(/docs\/rules\/require-concurrent-index\.md$/) },
    });
    // The earlier migration fed the schema model: the column's type and where it came from are known.
    const retype = byCode(ds, 'no-rewriting-column-type-change');
    expect(retype.range).toEqual({ start: { line: 1, character: 32 }, end: { line: 1, character: 43 } });
    expect(retype.message).toMatch(/\(the column was integer since 000001_create_orders\)$/);
    // A finding about the file as a whole (1:1) is underlined over the first line.
    expect(byCode(ds, 'require-downgrade')).toMatchObject({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 57 } },
      message: expect.stringMatching(/expected migrations\/000002_index\.down\.sql/),
    });

    // The partner appears on disk: the watcher's event re-lints the open half, which now has its down.
    const down = write('migrations/000002_index.down.sql', 'DROP INDEX orders_customer_idx;\n');
    const relinted = client.nextDiagnostics(uriOf(up));
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(down), type: 1 }] });
    expect(codes(await relinted)).toEqual(['no-rewriting-column-type-change', 'require-concurrent-index']);

    // The partner opened with unsaved text: its own findings are published on it (its text wins over the disk's).
    const downDs = await client.open(down, 'DROP INDEX orders_customer_idx;\nDROP TABLE orders CASCADE;\n');
    expect(byCode(downDs, 'no-drop-cascade').range.start).toEqual({ line: 1, character: 0 });
    expect(downDs.every((d) => d.range.start.line <= 1)).toBe(true);
  });

  it('SQL: a fix is a quick fix; the disable comment silences the finding; a warning maps to Warning', async () => {
    const text = 'ALTER TABLE orders ADD COLUMN payload json;\n';
    write('migrations/000003_payload.down.sql', 'ALTER TABLE orders DROP COLUMN payload;\n');
    const up = write('migrations/000003_payload.up.sql', text);
    const [jsonb] = await client.open(up, text);
    expect(jsonb).toMatchObject({ code: 'prefer-jsonb', severity: 2, range: { start: { line: 0, character: 38 } } });
    const actions = await actionsAt(up, jsonb);
    expect(actions.map((a) => a.title)).toEqual([expect.stringMatching(/jsonb/i), 'Disable prefer-jsonb for this line', 'Show documentation for prefer-jsonb']);
    const [fix, disable, docs] = actions;
    expect(fix.isPreferred).toBe(true);
    expect(fix.diagnostics).toEqual([jsonb]);
    const fixed = applyEdits(text, fix.edit!.changes![uriOf(up)]);
    expect(fixed).toBe('ALTER TABLE orders ADD COLUMN payload jsonb;\n');
    expect(await client.change(up, 2, fixed)).toEqual([]);

    const edits = disable.edit!.changes![uriOf(up)];
    expect(edits).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '-- migratelint-disable-next-line prefer-jsonb -- TODO: say why this is safe here\n' }]);
    // The comment does what it says: the finding is gone and the comment is not reported as unused.
    expect(await client.change(up, 3, applyEdits(text, edits))).toEqual([]);
    expect(docs.command).toEqual({ title: 'Show documentation for prefer-jsonb', command: 'migratelint.showRuleDocs', arguments: ['prefer-jsonb', jsonb.codeDescription!.href] });
  });

  it('SQL: hover on the flagged statement names the lock, what it blocks and the safe way', async () => {
    const up = path.join(dir, 'migrations/000002_index.up.sql');
    const hover: Hover = await client.rpc.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(up) }, position: { line: 0, character: 20 } });
    const { kind, value } = hover.contents as { kind: string; value: string };
    expect(kind).toBe('markdown');
    expect(value).toMatch(/^\*\*migratelint `require-concurrent-index`\*\* \(error\): /);
    expect(value).toContain('**Lock:** takes SHARE on "orders": blocks writes');
    expect(value).toMatch(/\*\*Safe alternative:\*\* Use CREATE INDEX CONCURRENTLY/);
    // The statement on the next line is another finding's, with its own lock.
    const other: Hover = await client.rpc.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(up) }, position: { line: 1, character: 3 } });
    expect((other.contents as { value: string }).value).toMatch(/`no-rewriting-column-type-change`[^]*ACCESS EXCLUSIVE/);
    expect((other.contents as { value: string }).value).not.toContain('require-concurrent-index');
  });

  it('knex: builder calls located at the call; the disable comment is a // comment before it', async () => {
    const text = "exports.up = function (knex) {\n  return knex.schema.alterTable('users', (t) => {\n    t.index(['email']);\n  });\n};\n\nexports.down = function (knex) {\n  return knex.schema.alterTable('users', (t) => {\n    t.dropIndex(['email']);\n  });\n};\n";
    const file = write('knex/migrations/20240101000000_users_email.js', text);
    const ds = await client.open(file, text, 'javascript');
    expect(ds.map((d) => [d.code, d.range.start.line, d.range.start.character, d.severity])).toEqual([
      ['require-concurrent-index', 2, 4, 1],
      ['require-concurrent-index-drop', 8, 4, 1],
    ]);
    const disable = (await actionsAt(file, ds[0])).find((a) => a.title === 'Disable require-concurrent-index for this line')!;
    const edited = applyEdits(text, disable.edit!.changes![uriOf(file)]);
    expect(edited.split('\n').slice(2, 4)).toEqual(['    // migratelint-disable-next-line require-concurrent-index -- TODO: say why this is safe here', "    t.index(['email']);"]);
    expect(codes(await client.change(file, 2, edited))).toEqual(['require-concurrent-index-drop']);
  });

  it('Alembic: a revision linted as it is typed', async () => {
    const text = '"""add email index\n\nRevision ID: a1b2c3d4e5f6\nRevises:\n"""\nfrom alembic import op\n\nrevision = "a1b2c3d4e5f6"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_index("ix_users_email", "users", ["email"])\n\n\ndef downgrade():\n    op.drop_index("ix_users_email", table_name="users")\n';
    const file = write('alembic/versions/a1b2c3d4e5f6_add_email_index.py', text);
    const ds = await client.open(file, text, 'python');
    expect(ds.map((d) => [d.code, d.range])).toEqual([
      ['require-concurrent-index', { start: { line: 12, character: 4 }, end: { line: 12, character: 57 } }],
      ['require-concurrent-index-drop', { start: { line: 16, character: 4 }, end: { line: 16, character: 55 } }],
    ]);
    const disable = (await actionsAt(file, ds[0])).find((a) => a.title.startsWith('Disable'))!;
    expect(disable.edit!.changes![uriOf(file)][0].newText).toBe('    # migratelint-disable-next-line require-concurrent-index -- TODO: say why this is safe here\n');
    // Unsaved text is what is linted: the index built concurrently, in an autocommit block, is fine.
    const safe = text.replace(
      '    op.create_index("ix_users_email", "users", ["email"])',
      '    with op.get_context().autocommit_block():\n        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)',
    );
    expect(codes(await client.change(file, 2, safe))).toEqual(['require-concurrent-index-drop', 'require-rerunnable-concurrent-index']);
  });

  it('a config error is one diagnostic on the config file, and linting resumes once it is fixed', async () => {
    const config = write('.migratelintrc.json', '{\n  "rules": { "prefer-jsonb": "loud" }\n}\n');
    const configDiagnostics = client.nextDiagnostics(uriOf(config));
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 1 }] });
    const [problem] = await configDiagnostics;
    expect(problem).toMatchObject({ severity: 1, source: 'migratelint', range: { start: { line: 1 } }, message: expect.stringMatching(/prefer-jsonb/) });
    expect(client.messages.at(-1)).toMatch(/^migratelint: \.migratelintrc\.json:2: /);

    fs.writeFileSync(config, '{\n  "rules": { "require-concurrent-index": "off" }\n}\n');
    const cleared = client.nextDiagnostics(uriOf(config));
    const up = path.join(dir, 'migrations/000002_index.up.sql');
    const relinted = client.nextDiagnostics(uriOf(up), (p) => p.diagnostics.length > 0);
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
    expect(await cleared).toEqual([]);
    expect(codes(await relinted)).toEqual(['no-rewriting-column-type-change']);
  });
});
