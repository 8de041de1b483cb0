/**
 * Reads one setting out of a JavaScript/TypeScript config file (a knexfile, a TypeORM
 * DataSource, a Drizzle config) or a JSON/YAML one, without running it: the values of
 * `key` in every object literal that looks like such a config (it also has one of
 * `siblings`). A value written as a string is read; anything else (`process.env.DB`,
 * a function call) is "computed". `isProd ? 'pg' : 'sqlite3'` gives both strings.
 */
import type * as t from '@babel/types';

/** A value of the setting: the string, or undefined when computed at run time. */
export type SettingValue = string | undefined;

export interface SettingQuery {
  key: string;
  /** Keys of which one must sit beside `key` (`connection` beside knex's `client`), so an unrelated `type` is not read. */
  siblings: readonly string[];
  /**
   * Keys that make an object a config even without `key`, whose database is then decided
   * at run time: Sequelize's `use_env_variable` with no `dialect` takes it from the URL.
   */
  decidedAtRunTimeBy?: readonly string[];
}

/** Keys that hold positions or parser extras, never code. */
const NOT_CODE = new Set(['loc', 'extra', 'leadingComments', 'trailingComments', 'innerComments']);

/** The setting's values in a JS/TS file; undefined when no object in it has the key (or the file does not parse). */
export async function jsSettingValues(text: string, file: string, query: SettingQuery): Promise<SettingValue[] | undefined> {
  const { parse } = await import('@babel/parser');
  let ast: t.File;
  try {
    ast = parse(text, {
      sourceType: 'unambiguous',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      plugins: /\.[cm]?ts$/i.test(file) ? ['typescript', 'decorators-legacy'] : ['jsx'],
    }) as unknown as t.File;
  } catch {
    return undefined;
  }
  const strings = stringConstants(ast);
  const values: SettingValue[] = [];
  let found = false;
  visit(ast, (node) => {
    if (node.type !== 'ObjectExpression') return;
    const props = new Map<string, t.Node>();
    for (const p of node.properties) {
      if (p.type !== 'ObjectProperty' || p.computed) continue;
      const name = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
      if (name) props.set(name, p.value);
    }
    const value = props.get(query.key);
    if (!value && query.decidedAtRunTimeBy?.some((k) => props.has(k))) {
      found = true;
      values.push(undefined);
    }
    if (!value || !query.siblings.some((s) => props.has(s))) return;
    found = true;
    values.push(...valuesOf(value, strings));
  });
  return found ? values : undefined;
}

/** The setting's values in parsed JSON or YAML data; undefined when no object in it has the key. */
export function dataSettingValues(data: unknown, query: SettingQuery): SettingValue[] | undefined {
  const values: SettingValue[] = [];
  let found = false;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      if (!(query.key in obj) && query.decidedAtRunTimeBy?.some((k) => k in obj)) {
        found = true;
        values.push(undefined);
      }
      if (query.key in obj && query.siblings.some((s) => s in obj)) {
        found = true;
        values.push(typeof obj[query.key] === 'string' ? (obj[query.key] as string) : undefined);
      }
      Object.values(obj).forEach(walk);
    }
  };
  walk(data);
  return found ? values : undefined;
}

/** What a setting's expression can be: its strings, or one undefined when it is computed. */
function valuesOf(node: t.Node, strings: Map<string, string>): SettingValue[] {
  switch (node.type) {
    case 'StringLiteral':
      return [node.value];
    case 'TemplateLiteral':
      return [node.expressions.length === 0 ? (node.quasis[0].value.cooked ?? undefined) : undefined];
    case 'Identifier':
      return [strings.get(node.name)];
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'ParenthesizedExpression':
      return valuesOf(node.expression, strings);
    case 'ConditionalExpression':
      return [...valuesOf(node.consequent, strings), ...valuesOf(node.alternate, strings)];
    default:
      return [undefined];
  }
}

/** `const client = 'mysql2'`: names bound once to a string, anywhere in the file. */
function stringConstants(ast: t.File): Map<string, string> {
  const out = new Map<string, string>();
  visit(ast, (node) => {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init?.type === 'StringLiteral') out.set(node.id.name, node.init.value);
  });
  return out;
}

function visit(node: unknown, enter: (node: t.Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) visit(n, enter);
    return;
  }
  const n = node as t.Node;
  if (typeof n.type === 'string') enter(n);
  for (const [k, v] of Object.entries(n)) if (!NOT_CODE.has(k) && v && typeof v === 'object') visit(v, enter);
}
