/**
 * Function volatility: whether an expression gives one value per statement or one per
 * row. `ADD COLUMN ... DEFAULT expr` stores a non-volatile default in the catalog (from
 * PostgreSQL 11), but has to compute a VOLATILE one for every existing row, rewriting
 * the table.
 *
 * The facts come from a real server (`function-volatility.generated.ts`). A function
 * that is neither built in nor from a known contrib extension is VOLATILE unless the
 * migration created it saying otherwise: VOLATILE is what CREATE FUNCTION gives a
 * function that declares nothing, so assuming less would miss real rewrites.
 */
import { findNodes, nameParts } from './ast.js';
import { BUILTIN_FUNCTIONS, EXTENSION_FUNCTIONS } from './function-volatility.generated.js';

export type Volatility = 'immutable' | 'stable' | 'volatile';

const LETTERS: Record<string, Volatility> = { i: 'immutable', s: 'stable', v: 'volatile' };
const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, volatile: 2 };

/** The more volatile of two. */
export function moreVolatile(a: Volatility, b: Volatility): Volatility {
  return RANK[b] > RANK[a] ? b : a;
}

interface CatalogEntry {
  /** The most volatile overload: for calls whose argument count no entry names. */
  all: Volatility;
  byArity?: Map<number, Volatility>;
  /** The contrib extension that provides it; undefined for a built-in. */
  extension?: string;
}

let builtins: Map<string, CatalogEntry> | undefined;
let extensions: Map<string, CatalogEntry> | undefined;

/** Reads the generated text once, on the first question (most runs never ask). */
function readCatalog(text: string, extension: string | undefined, into: Map<string, CatalogEntry>): void {
  for (const line of text.split('\n')) {
    const [name, all, ...split] = line.split(' ');
    if (!name || !all) continue;
    const entry: CatalogEntry = { all: LETTERS[all], ...(extension ? { extension } : {}) };
    if (split.length) entry.byArity = new Map(split.map((s) => [Number(s.slice(0, -1)), LETTERS[s.slice(-1)]]));
    into.set(name, entry);
  }
}

function catalogs(): { builtins: Map<string, CatalogEntry>; extensions: Map<string, CatalogEntry> } {
  if (!builtins || !extensions) {
    builtins = new Map();
    readCatalog(BUILTIN_FUNCTIONS, undefined, builtins);
    extensions = new Map();
    for (const [ext, text] of Object.entries(EXTENSION_FUNCTIONS)) readCatalog(text, ext, extensions);
  }
  return { builtins, extensions };
}

/** Where a volatility came from, for messages. */
export type VolatilitySource = 'builtin' | 'extension' | 'declared' | 'assumed';

export interface FunctionVolatility {
  volatility: Volatility;
  source: VolatilitySource;
  /** For `extension`: which contrib extension defines the function. */
  extension?: string;
}

/** What the migration's own CREATE FUNCTIONs declared (see `CreatedObjects.functionVolatility`). */
export interface DeclaredFunctions {
  functionVolatility(name: string, arity: number): Volatility | undefined;
}

/**
 * The volatility of calling `name` (its parts as written, `pg_catalog.now` or `now`)
 * with `arity` arguments. Lookup follows PostgreSQL's: pg_catalog comes first on the
 * search path, so an unqualified built-in name is the built-in.
 */
export function functionVolatility(name: readonly string[], arity: number, declared?: DeclaredFunctions): FunctionVolatility {
  const bare = name[name.length - 1] ?? '';
  const schema = name.length > 1 ? name[name.length - 2] : undefined;
  const { builtins, extensions } = catalogs();
  const from = (entry: CatalogEntry | undefined) => entry && (entry.byArity?.get(arity) ?? entry.all);
  if (schema === undefined || schema === 'pg_catalog') {
    const v = from(builtins.get(bare));
    if (v) return { volatility: v, source: 'builtin' };
  }
  if (schema !== 'pg_catalog') {
    const mine = declared?.functionVolatility(bare, arity);
    if (mine) return { volatility: mine, source: 'declared' };
    const ext = extensions.get(bare);
    const v = from(ext);
    if (v) return { volatility: v, source: 'extension', extension: ext!.extension };
  }
  return { volatility: 'volatile', source: 'assumed' };
}

export interface VolatileCall extends FunctionVolatility {
  /** The name as written: `now`, `public.next_code`. */
  name: string;
  /** The call's parser location. */
  location?: number;
  /** How many arguments it is called with. */
  arity: number;
}

/**
 * The first call in an expression that makes it VOLATILE, if any. Only function calls
 * are looked at: SQL value functions (CURRENT_TIMESTAMP, CURRENT_USER, ...) are all
 * STABLE, and the operators and casts of built-in types are not volatile.
 */
export function volatileCall(expr: unknown, declared?: DeclaredFunctions): VolatileCall | undefined {
  for (const call of findNodes(expr, 'FuncCall')) {
    const parts = nameParts(call.funcname);
    const arity = Array.isArray(call.args) ? call.args.length : 0;
    const found = functionVolatility(parts, arity, declared);
    if (found.volatility === 'volatile') return { ...found, name: parts.join('.'), location: call.location, arity };
  }
  return undefined;
}
