/** What CREATE FUNCTION and ALTER FUNCTION say about a function's volatility. */
import type { Statement } from '../ir/types.js';
import { nameParts } from '../pg/ast.js';
import type { Volatility } from '../pg/volatility.js';

export interface FunctionDeclaration {
  /** The function's name, without schema. */
  name: string;
  /** The argument counts a call may have: defaults lower `min`, VARIADIC lifts `max`. */
  min: number;
  max: number;
  volatility: Volatility;
}

function lastName(list: unknown): string | undefined {
  const parts = nameParts(list);
  return parts[parts.length - 1];
}

function volatilityOption(options: unknown): Volatility | undefined {
  for (const o of Array.isArray(options) ? options : []) {
    const d = o?.DefElem;
    if (d?.defname === 'volatility') {
      const v = String(d.arg?.String?.sval ?? '').toLowerCase();
      if (v === 'immutable' || v === 'stable' || v === 'volatile') return v;
    }
  }
  return undefined;
}

/** The volatility a CREATE FUNCTION (VOLATILE when it says nothing) or ALTER FUNCTION ... IMMUTABLE/STABLE/VOLATILE gives. */
export function declaredFunction(s: Statement): FunctionDeclaration | undefined {
  if (s.kind === 'CreateFunctionStmt' && !s.node.is_procedure) {
    const name = lastName(s.node.funcname);
    if (!name) return undefined;
    let min = 0;
    let max = 0;
    for (const p of s.node.parameters ?? []) {
      const param = (p as { FunctionParameter?: { mode?: string; defexpr?: unknown } }).FunctionParameter;
      const mode = param?.mode;
      if (mode === 'FUNC_PARAM_OUT' || mode === 'FUNC_PARAM_TABLE') continue;
      if (mode === 'FUNC_PARAM_VARIADIC') {
        max = Number.MAX_SAFE_INTEGER;
        continue;
      }
      max++;
      if (!param?.defexpr) min++;
    }
    // CREATE FUNCTION without IMMUTABLE or STABLE makes a VOLATILE function.
    return { name, min, max, volatility: volatilityOption(s.node.options) ?? 'volatile' };
  }
  if (s.kind === 'AlterFunctionStmt' && s.node.objtype !== 'OBJECT_PROCEDURE') {
    const volatility = volatilityOption(s.node.actions);
    const name = lastName(s.node.func?.objname);
    if (!volatility || !name) return undefined;
    const args = s.node.func?.args_unspecified ? undefined : (s.node.func?.objargs ?? []).length;
    return { name, min: args ?? 0, max: args ?? Number.MAX_SAFE_INTEGER, volatility };
  }
  return undefined;
}

/**
 * The volatility a call with `arity` arguments gets among declarations in order: the
 * latest one it can mean (CREATE OR REPLACE and ALTER FUNCTION replace earlier ones);
 * overloads cannot be told apart by argument types here, so with no match the most
 * volatile one counts. Gives the index of the declaration that decides (the list is not empty).
 */
export function matchingDeclaration(declarations: readonly Pick<FunctionDeclaration, 'min' | 'max' | 'volatility'>[], arity: number): number {
  for (let i = declarations.length - 1; i >= 0; i--) if (arity >= declarations[i].min && arity <= declarations[i].max) return i;
  let worst = 0;
  for (let i = 1; i < declarations.length; i++) if (rank(declarations[i].volatility) > rank(declarations[worst].volatility)) worst = i;
  return worst;
}

const rank = (v: Volatility) => (v === 'immutable' ? 0 : v === 'stable' ? 1 : 2);
