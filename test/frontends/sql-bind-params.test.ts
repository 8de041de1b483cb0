import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../src/pg/parse.js';
import { namedParams, positionalNumbers } from '../../src/frontends/sql-bind-params.js';

beforeAll(async () => {
  await loadSqlParser();
});

/** Each parameter as `name@start-end`. */
const found = (sql: string) => namedParams(sql)?.params.map((p) => `${p.name}@${p.start}-${p.end}`);

describe('named bind parameters, found with PostgreSQL scanner', () => {
  it('finds :name where a value stands, after operators, commas and parentheses', () => {
    expect(found('UPDATE t SET a=:a, b = :b WHERE id IN (:ids) AND x=:x1')).toEqual(['a@15-17', 'b@23-25', 'ids@39-43', 'x1@51-54']);
  });

  it('leaves casts, := , array slices, literals, dollar quotes, quoted identifiers and comments alone', () => {
    expect(found(`SELECT a::int, f(x := 1), arr[1:2], arr[lo:hi], ':a', $$ :b $$, E'\\' :c', "d:e", -- :f\n/* :g */ 1`)).toEqual([]);
  });

  it('a backslash before the colon is an escape, as in SQLAlchemy', () => {
    expect(namedParams('SELECT 1 WHERE a = \\:b')).toEqual({ params: [], escapes: [19] });
  });

  it('offsets are UTF-16 even after non-ASCII text; names may be non-ASCII', () => {
    const sql = "SELECT 'é€😀' AS x WHERE n = :名前";
    expect(found(sql)).toEqual([`名前@${sql.indexOf(':')}-${sql.length}`]);
  });

  it('a text the scanner rejects gives no answer; the same name is the same $n', () => {
    expect(namedParams("SELECT 'unterminated :x")).toBeUndefined();
    const params = namedParams('SELECT :a, :b, :a')!.params;
    expect([...positionalNumbers(params)]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});
