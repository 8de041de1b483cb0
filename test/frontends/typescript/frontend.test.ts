import { describe, expect, it } from 'vitest';
import { lintCode, only } from './helpers.js';

const js = (lines: string[]) => lines.join('\n') + '\n';

describe('what is a migration', () => {
  it('skips a module with no up or down silently', async () => {
    const { result } = await lintCode(js(['module.exports = { development: { client: "pg" } };']), 'knexfile.js');
    expect(result.migrations).toEqual([]);
    expect(result.findings).toEqual([]);
  });

  it('skips a class with an up method that the module does not export', async () => {
    const { result } = await lintCode(js(['class Elevator { up() { return 1; } }', 'module.exports = { elevator: new Elevator() };']), 'elevator.js');
    expect(result.migrations).toEqual([]);
  });

  it('skips declaration files and reads JSX in a .js file without a parse error', async () => {
    expect((await lintCode('export declare const up: (knex: unknown) => Promise<void>;\n', 'types.d.ts')).result.migrations).toEqual([]);
    const jsx = await lintCode(js(['export const Banner = () => <div className="x">hi</div>;']), 'Banner.js');
    expect(jsx.result.migrations).toEqual([]);
    expect(jsx.findings).toEqual([]);
  });

  it('reads code beside migrations that needs a Babel plugin (bind operator in JSX, accessor fields) as no migration, not a parse error', async () => {
    const bind = await lintCode(
      js(['@withForm', 'export default class Login extends Component {', '  render() { return <Form onSubmit={::this.submit} />; }', '}']),
      'client/src/Login.js',
    );
    expect(bind.result.migrations).toEqual([]);
    expect(bind.findings).toEqual([]);
    const accessor = await lintCode(js(['class User {', '  @Property() accessor name = "";', '}', 'export const users = [new User()];']), 'tests/user.test.ts');
    expect(accessor.result.migrations).toEqual([]);
    expect(accessor.findings).toEqual([]);
  });

  it('reports a file that does not parse once, at the parser position, with no statements', async () => {
    const { migration, findings } = await lintCode(js(['exports.up = function (knex) {', '  return knex.raw("SELECT 1";', '};']), '1_broken.js');
    expect(findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.column}`)).toEqual(['parse-error@2:29']);
    expect(findings[0].message).toMatch(/cannot parse this file as JavaScript\/TypeScript/);
    expect(migration!.up.statements).toEqual([]);
  });
});

describe('raw SQL strings', () => {
  it('never reads a string that is not passed to a SQL sink', async () => {
    const { findings, migration } = await lintCode(
      js([
        "import type { Knex } from 'knex';",
        'export async function up(knex: Knex) {',
        "  const note = 'DELETE FROM users';",
        '  console.log(note);',
        "  logger.warn('UPDATE accounts SET balance = 0');",
        "  const unused = `TRUNCATE orders CASCADE`;",
        "  await knex.raw('SELECT 1');",
        '}',
        "export async function down(knex: Knex) { await knex.raw('SELECT 2'); }",
      ]),
    );
    expect(findings).toEqual([]);
    expect(migration!.up.statements.map((s) => s.text)).toEqual(['SELECT 1']);
  });

  it('follows a variable assigned in the same function, and concatenation', async () => {
    const { findings } = await lintCode(
      js([
        'exports.up = async (knex) => {',
        "  const table = 'users';",
        "  let sql = 'DELETE FROM ' + table;",
        "  sql += ' ';",
        '  await knex.raw(sql);',
        '};',
        'exports.down = async (knex) => knex.raw("SELECT 1");',
      ]),
      '1_x.js',
    );
    // The statement starts where its first character was written: line 3, inside 'DELETE FROM '.
    expect(only(findings, 'no-delete-without-where')).toEqual(['no-delete-without-where@3:14']);
  });

  it('points at the exact line and column inside a multi-line template, past escapes', async () => {
    const { findings } = await lintCode(
      js([
        'exports.up = async (knex) => {',
        '  await knex.raw(`',
        "    SELECT 'caf\\u00e9\\n';",
        "    UPDATE users SET plan = \\'free\\';",
        '  `);',
        '};',
        'exports.down = async () => { throw new Error("no"); };',
      ]),
      '1_x.js',
    );
    expect(only(findings, 'no-update-without-where')).toEqual(['no-update-without-where@4:5']);
  });

  it('counts columns in UTF-16 units after non-ASCII text on the same line', async () => {
    const { findings } = await lintCode(
      js(["exports.up = (knex) => knex.raw('/* 🚀 été */ DELETE FROM users');", 'exports.down = (knex) => knex.raw("SELECT 1");']),
      '1_x.js',
    );
    // 'DELETE' is the 47th UTF-16 unit of the line (the rocket counts twice).
    expect(only(findings, 'no-delete-without-where')).toEqual(['no-delete-without-where@1:47']);
  });

  it('gives ${} values a placeholder, so the statement still parses and is linted', async () => {
    const { findings, migration } = await lintCode(
      js([
        'export async function up(knex) {',
        '  for (const t of tables) {',
        '    await knex.raw(`ALTER TABLE ${t} ADD COLUMN tenant_id bigint NOT NULL`);',
        "    await knex.raw(`UPDATE ${t} SET note = '${label} ok' WHERE id = ${id}`);",
        '  }',
        '}',
        'export async function down(knex) { await knex.raw("SELECT 1"); }',
      ]),
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "${t}" ADD COLUMN tenant_id bigint NOT NULL',
      `UPDATE "\${t}" SET note = '\${label} ok' WHERE id = "\${id}"`,
    ]);
    expect(only(findings, 'no-not-null-without-default')).toEqual(['no-not-null-without-default@3:49']);
    expect(migration!.coverage!.unanalysed).toEqual([]);
  });

  it('counts SQL built at run time instead of guessing it', async () => {
    const { migration, findings } = await lintCode(
      js([
        "import { addAuditTrigger } from './helpers';",
        'export async function up(knex) {',
        '  await knex.raw(buildSql());',
        '  await addAuditTrigger(knex, "users");',
        '  await knex.raw(`${dynamic}`);',
        "  await knex.raw('SELECT 1');",
        '}',
        'export async function down(knex) { await knex.raw("SELECT 1"); }',
      ]),
    );
    expect(findings).toEqual([]);
    const cov = migration!.coverage!;
    expect(cov.analysed).toBe(2);
    expect(cov.unanalysed.map((u) => `${u.range.start.line}:${u.range.start.column} ${u.reason}`)).toEqual([
      '3:9 SQL built at run time by buildSql()',
      '4:9 helper from elsewhere: addAuditTrigger() receives knex, and its SQL is not visible here',
      '5:9 SQL built at run time: `${dynamic}` is not a string known here',
    ]);
  });

  it('drops a statement that only fails to parse because of its placeholders, into the coverage', async () => {
    const { migration, findings } = await lintCode(
      js(['export async function up(knex) {', '  await knex.raw(`CREATE ${unique ? "UNIQUE" : ""} INDEX i ON t (a)`);', '}', 'export const down = async () => {};']),
    );
    expect(only(findings, 'parse-error')).toEqual([]);
    expect(migration!.up.statements).toEqual([]);
    expect(migration!.coverage!.analysed).toBe(0);
    expect(migration!.coverage!.unanalysed.map((u) => u.reason)).toEqual(['SQL built at run time does not parse with placeholders for its interpolated values']);
  });

  it('reports a constant string that PostgreSQL cannot parse, inside the string', async () => {
    const { findings } = await lintCode(js(['exports.up = (knex) => knex.raw("SELEC 1");', 'exports.down = (knex) => knex.raw("SELECT 1");']), '1_x.js');
    expect(only(findings, 'parse-error')).toEqual(['parse-error@1:34']);
  });

  it('inlines local helper functions with the framework object they receive', async () => {
    const { findings, migration } = await lintCode(
      js([
        'async function wipe(db, table) {',
        '  await db.raw(`DELETE FROM ${table}`);',
        '}',
        'exports.up = async (knex) => {',
        "  await wipe(knex, 'sessions');",
        '};',
        'exports.down = async () => {};',
      ]),
      '1_x.js',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual(['DELETE FROM sessions']);
    expect(only(findings, 'no-delete-without-where')).toEqual(['no-delete-without-where@2:17']);
  });
});

describe('ignore directives in code comments', () => {
  it('applies // migratelint-disable-next-line to the next statement, builder or string', async () => {
    const { findings } = await lintCode(
      js([
        'exports.up = async (knex) => {',
        '  // migratelint-disable-next-line require-concurrent-index -- twelve rows',
        "  await knex.raw('CREATE INDEX a_idx ON a (x)');",
        '  // migratelint-disable-next-line no-not-null-without-default -- table is empty in every environment',
        "  await knex.schema.alterTable('b', (t) => {",
        "    t.integer('n').notNullable();",
        '  });',
        "  await knex.raw('CREATE INDEX c_idx ON c (x)');",
        '};',
        'exports.down = async (knex) => knex.raw("SELECT 1");',
      ]),
      '1_x.js',
    );
    expect(only(findings, 'require-concurrent-index', 'no-not-null-without-default', 'unused-disable')).toEqual(['require-concurrent-index@8:19']);
  });

  it('reports a directive that suppresses nothing', async () => {
    const { findings } = await lintCode(
      js(['exports.up = async (knex) => {', '  /* migratelint-disable-next-line no-drop-cascade */', "  await knex.raw('SELECT 1');", '};', 'exports.down = async (knex) => knex.raw("SELECT 1");']),
      '1_x.js',
    );
    expect(only(findings, 'unused-disable')).toEqual(['unused-disable@2:3']);
  });

  it('reads directives written as SQL comments inside the string', async () => {
    const { findings } = await lintCode(
      js([
        'exports.up = async (knex) => {',
        '  await knex.raw(`',
        '    -- migratelint-disable-next-line no-delete-without-where -- queue is transient',
        '    DELETE FROM job_queue;',
        '  `);',
        '};',
        'exports.down = async (knex) => knex.raw("SELECT 1");',
      ]),
      '1_x.js',
    );
    expect(only(findings, 'no-delete-without-where', 'unused-disable')).toEqual([]);
  });
});

describe('down migrations', () => {
  const downOf = async (code: string, file = '1_x.js') => {
    const { migration, findings } = await lintCode(code, file);
    return { down: migration!.down, downgrade: findings.filter((f) => f.ruleId === 'require-downgrade') };
  };

  it('missing', async () => {
    const { down, downgrade } = await downOf(js(['exports.up = (knex) => knex.raw("SELECT 1");']));
    expect(down.state).toBe('missing');
    expect(downgrade.map((f) => f.message)).toEqual(['migration has no down migration (no down is exported)']);
    expect(downgrade[0].range.start).toEqual({ line: 1, column: 1 });
  });

  it('empty (a body with no statements, or only comments and Promise.resolve())', async () => {
    for (const down of [
      'exports.down = function (knex) {};',
      'exports.down = () => Promise.resolve();',
      'exports.down = async function () {\n  // nothing to undo\n  return;\n};',
    ]) {
      const r = await downOf(js(['exports.up = (knex) => knex.raw("SELECT 1");', down]));
      expect(r.down.state).toBe('empty');
      expect(r.downgrade.map((f) => `${f.range.start.line}:${f.range.start.column} ${f.message}`)).toEqual([
        '2:1 down migration is empty: it contains no statements, so rolling back does nothing',
      ]);
    }
  });

  it('only throws', async () => {
    const { down, downgrade } = await downOf(
      js(['export async function up(knex) { await knex.raw("SELECT 1"); }', 'export async function down() {', "  throw new Error('irreversible');", '}']),
      '1_x.ts',
    );
    expect(down.state).toBe('irreversible');
    expect(downgrade.map((f) => `${f.range.start.line}:${f.range.start.column} ${f.message}`)).toEqual([
      '2:23 down migration is declared irreversible: down() only throws an error',
    ]);
  });

  it('exports.down = false', async () => {
    const { down, downgrade } = await downOf(js(['exports.up = (pgm) => { pgm.sql("SELECT 1"); };', 'exports.down = false;']));
    expect(down.state).toBe('irreversible');
    expect(downgrade.map((f) => `${f.range.start.line}:${f.range.start.column} ${f.message}`)).toEqual([
      '2:1 down migration is declared irreversible: exports.down = false marks it irreversible',
    ]);
  });

  it('reads module.exports objects, export default objects and functions declared apart', async () => {
    const shapes = [
      js(['async function up(knex) { await knex.raw("DELETE FROM a"); }', 'async function down(knex) { await knex.raw("SELECT 1"); }', 'module.exports = { up, down };']),
      js(['export default {', '  async up(knex) { await knex.raw("DELETE FROM a"); },', '  down: async (knex) => { await knex.raw("SELECT 1"); },', '};']),
      js(['const up = async (knex) => { await knex.raw("DELETE FROM a"); };', 'const down = async (knex) => { await knex.raw("SELECT 1"); };', 'export { up, down };']),
    ];
    for (const code of shapes) {
      const { migration, findings } = await lintCode(code, '1_x.mjs');
      expect(migration!.format).toBe('knex');
      expect(migration!.down.state).toBe('present');
      expect(only(findings, 'no-delete-without-where', 'require-downgrade')).toHaveLength(1);
    }
  });
});

describe('transactions', () => {
  it('knex runs in a transaction unless exports.config says otherwise', async () => {
    const base = ['exports.up = (knex) => knex.raw("SELECT 1");', 'exports.down = (knex) => knex.raw("SELECT 1");'];
    expect((await lintCode(js(base), '1_x.js')).migration!.up.transaction).toBe(true);
    expect((await lintCode(js([...base, 'exports.config = { transaction: false };']), '1_x.js')).migration!.up.transaction).toBe(false);
  });

  it('a CONCURRENTLY index in a knex migration that keeps its transaction is flagged', async () => {
    const { findings } = await lintCode(js(['exports.up = (knex) => knex.raw("CREATE INDEX CONCURRENTLY i ON t (a)");', 'exports.down = (knex) => knex.raw("DROP INDEX CONCURRENTLY i");']), '1_x.js');
    const tx = findings.filter((f) => /transaction/i.test(f.message) && /CONCURRENTLY/.test(f.message));
    expect(tx.length).toBeGreaterThan(0);
  });
});
