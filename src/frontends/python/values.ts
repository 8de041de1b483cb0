/**
 * Reading Python values without running Python: names bound by assignment, calls with
 * their arguments, constants, lists and dicts, and strings with their file map.
 */
import type { SyntaxNode } from '@lezer/common';
import { bodyStatements, children, isPunct, unparen, type PyFile } from './syntax.js';
import {
  braceFormat,
  concatStr,
  decodeLiteral,
  dedentStr,
  percentFormat,
  pinnedStr,
  placeholder,
  stripStr,
  textClause,
  type PyStr,
} from './strings.js';

const MAX_DEPTH = 12;

/**
 * The bodies of an `if` that run on PostgreSQL when its tests ask which database this is
 * (dialect.ts sets it: it reads tests with this module's helpers); undefined when any may.
 * A name assigned in a branch for another database (`stmt = "... = 0"` for SQLite) does
 * not stand for it where it is used.
 */
let postgresBodies: ((scope: Scope, ifStatement: SyntaxNode) => SyntaxNode[] | undefined) | undefined;

export function setPostgresBodies(find: typeof postgresBodies): void {
  postgresBodies = find;
}

/** Names visible at a point: assignments in a function body, then the module's. */
export class Scope {
  private readonly assigns = new Map<string, { at: number; value: SyntaxNode }[]>();
  private readonly fixed = new Map<string, SyntaxNode>();
  /** Module level only: imported names and what they stand for (`sa` → `sqlalchemy`). */
  readonly aliases = new Map<string, string>();
  /**
   * Module level only: the project's own SQLAlchemy types, by qualified name
   * (sqlalchemy-custom-types.ts); unset, an unknown type is printed by its name.
   */
  customType?: (qualified: string) => { sql: string; base: string } | undefined;
  /** Module level only: functions defined in the file. */
  readonly functions = new Map<string, SyntaxNode>();
  readonly classes = new Map<string, SyntaxNode>();

  constructor(
    readonly file: PyFile,
    readonly parent?: Scope,
  ) {}

  /** The module scope of a file. */
  static module(file: PyFile): Scope {
    const scope = new Scope(file);
    const statements = bodyStatements(file.top);
    scope.collect(statements);
    for (const s of statements) {
      const def = s.name === 'DecoratedStatement' ? s.lastChild : s;
      if (def?.name === 'FunctionDefinition') {
        const name = def.getChild('VariableName');
        if (name) scope.functions.set(file.src(name), def);
      } else if (def?.name === 'ClassDefinition') {
        const name = def.getChild('VariableName');
        if (name) scope.classes.set(file.src(name), def);
      }
    }
    return scope;
  }

  /** The scope of a function body (parameters unbound). */
  static function(def: SyntaxNode, parent: Scope): Scope {
    const scope = new Scope(parent.file, parent);
    scope.collect(bodyStatements(def.getChild('Body')));
    return scope;
  }

  /** A child scope where `name` is `value` (a loop variable bound to one item). */
  with(name: string, value: SyntaxNode): Scope {
    const scope = new Scope(this.file, this);
    scope.fixed.set(name, value);
    return scope;
  }

  lookup(name: string, at: number): SyntaxNode | undefined {
    const fixed = this.fixed.get(name);
    if (fixed) return fixed;
    const list = this.assigns.get(name);
    if (list) {
      let best: SyntaxNode | undefined;
      for (const a of list) if (a.at < at) best = a.value;
      // Module constants may be defined below the functions that use them.
      if (best) return best;
      if (!this.parent && list.length) return list[list.length - 1].value;
    }
    return this.parent?.lookup(name, at);
  }

  root(): Scope {
    let s: Scope = this;
    while (s.parent) s = s.parent;
    return s;
  }

  /** `sa.Integer` → `sqlalchemy.Integer`, following the file's imports. */
  qualify(dotted: string): string {
    const root = this.root();
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const full = root.aliases.get(head);
    return full ? full + (dot < 0 ? '' : dotted.slice(dot)) : dotted;
  }

  private collect(statements: SyntaxNode[]): void {
    for (const s of statements) {
      switch (s.name) {
        case 'AssignStatement':
          this.collectAssign(s);
          break;
        case 'ImportStatement':
          this.collectImport(s);
          break;
        case 'IfStatement':
          for (const body of postgresBodies?.(this, s) ?? s.getChildren('Body')) this.collect(bodyStatements(body));
          break;
        case 'ForStatement':
        case 'WhileStatement':
        case 'TryStatement':
        case 'WithStatement':
          for (const body of s.getChildren('Body')) this.collect(bodyStatements(body));
          if (s.name === 'WithStatement') this.collectWithTargets(s);
          break;
      }
    }
  }

  private collectAssign(s: SyntaxNode): void {
    const parts = children(s);
    const value = parts[parts.length - 1];
    for (let k = 0; k < parts.length - 1; k++) {
      const p = parts[k];
      if (p.name === 'VariableName' && (parts[k + 1]?.name === 'AssignOp' || parts[k + 1]?.name === 'TypeDef')) {
        const name = this.file.src(p);
        let list = this.assigns.get(name);
        if (!list) this.assigns.set(name, (list = []));
        list.push({ at: s.from, value });
      }
    }
  }

  private collectWithTargets(s: SyntaxNode): void {
    const parts = children(s);
    for (let k = 0; k < parts.length; k++) {
      if (parts[k].name === 'as' && parts[k + 1]?.name === 'VariableName' && k > 0) {
        const name = this.file.src(parts[k + 1]);
        let list = this.assigns.get(name);
        if (!list) this.assigns.set(name, (list = []));
        list.push({ at: parts[k + 1].from, value: parts[k - 1] });
      }
    }
  }

  private collectImport(s: SyntaxNode): void {
    const text = this.file.src(s).replace(/[()\\\n\r]/g, ' ');
    const from = /^\s*from\s+([\w.]+)\s+import\s+(.+)$/s.exec(text);
    const list = from ? from[2] : text.replace(/^\s*import\s+/, '');
    for (const item of list.split(',')) {
      const m = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(item);
      if (!m) continue;
      const full = from ? `${from[1]}.${m[1]}` : m[1];
      const local = m[2] ?? (from ? m[1] : m[1].split('.')[0]);
      this.root().aliases.set(local, m[2] || from ? full : m[1].split('.')[0]);
    }
  }
}

// ---------------------------------------------------------------------------
// Calls

export interface Call {
  node: SyntaxNode;
  /** The callee as dotted text (`op.add_column`, `op.get_context().autocommit_block`); '' when not a plain path. */
  callee: string;
  calleeNode: SyntaxNode;
  args: SyntaxNode[];
  kwargs: Map<string, SyntaxNode>;
  /** `*args` or `**kwargs` were passed: some arguments are unknown. */
  spread: boolean;
}

/** `a.b.c` (with `()` for calls along the way), or undefined for other expressions. */
export function dotted(file: PyFile, node: SyntaxNode): string | undefined {
  const n = unparen(node);
  switch (n.name) {
    case 'VariableName':
      return file.src(n);
    case 'MemberExpression': {
      const object = n.firstChild;
      const prop = n.getChild('PropertyName');
      if (!object || !prop) return undefined;
      const base = dotted(file, object);
      return base === undefined ? undefined : `${base}.${file.src(prop)}`;
    }
    case 'CallExpression': {
      const callee = n.firstChild;
      const base = callee ? dotted(file, callee) : undefined;
      return base === undefined ? undefined : `${base}()`;
    }
    default:
      return undefined;
  }
}

export function asCall(file: PyFile, node: SyntaxNode | null | undefined): Call | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.name !== 'CallExpression') return undefined;
  const calleeNode = n.firstChild!;
  const argList = n.getChild('ArgList');
  const args: SyntaxNode[] = [];
  const kwargs = new Map<string, SyntaxNode>();
  let spread = false;
  if (argList) {
    const parts = children(argList);
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (p.name === '(' || p.name === ')' || p.name === ',') continue;
      if (p.name === '*' || p.name === '**') {
        spread = true;
        k++;
        continue;
      }
      if (p.name === 'VariableName' && parts[k + 1]?.name === 'AssignOp') {
        const value = parts[k + 2];
        if (value) kwargs.set(file.src(p), value);
        k += 2;
        continue;
      }
      args.push(p);
    }
  }
  return { node: n, callee: dotted(file, calleeNode) ?? '', calleeNode, args, kwargs, spread };
}

/** The last segment of a dotted callee (`sa.Column` → `Column`). */
export function lastName(callee: string): string {
  const i = callee.lastIndexOf('.');
  return i < 0 ? callee : callee.slice(i + 1);
}

/** Positional argument `index`, or keyword `name`. */
export function arg(call: Call, index: number, name?: string): SyntaxNode | undefined {
  if (name && call.kwargs.has(name)) return call.kwargs.get(name);
  return index >= 0 ? call.args[index] : undefined;
}

// ---------------------------------------------------------------------------
// Constants

export type PyConst = string | number | boolean | null | PyConst[] | { [key: string]: PyConst };

/** Follows a name to the expression assigned to it. */
export function resolve(scope: Scope, node: SyntaxNode | undefined, depth = 0): SyntaxNode | undefined {
  if (!node) return undefined;
  let n = unparen(node);
  let d = depth;
  while (n.name === 'VariableName' && d < MAX_DEPTH) {
    const value = scope.lookup(scope.file.src(n), n.from);
    if (!value || value === n) break;
    n = unparen(value);
    d++;
  }
  return n;
}

/** A constant value (str, int, float, bool, None, tuple/list, dict), or undefined when not constant. */
export function constOf(scope: Scope, node: SyntaxNode | undefined, depth = 0): PyConst | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  const n = resolve(scope, node, depth);
  if (!n) return undefined;
  switch (n.name) {
    case 'String':
    case 'ContinuedString':
    case 'FormatString': {
      const s = strOf(scope, n, depth + 1);
      return s && !s.dynamic ? s.text : undefined;
    }
    case 'CallExpression': {
      // op.f('ix_name'), '...'.format(...), textwrap.dedent('...'): strings; not sa.text(), which is SQL.
      const call = asCall(scope.file, n)!;
      if (!/^(f|format|dedent|strip|lstrip|rstrip)$/.test(lastName(call.callee))) return undefined;
      const s = strOf(scope, n, depth + 1);
      return s && !s.dynamic ? s.text : undefined;
    }
    case 'Number': {
      const t = scope.file.src(n).replace(/_/g, '');
      if (/[jJ]$/.test(t)) return undefined;
      const v = /^0[xob]/i.test(t) ? Number(t) : parseFloat(t);
      return Number.isFinite(v) ? v : undefined;
    }
    case 'Boolean':
      return scope.file.src(n) === 'True';
    case 'None':
      return null;
    case 'UnaryExpression': {
      const parts = children(n);
      const v = constOf(scope, parts[1], depth + 1);
      if (typeof v === 'number' && scope.file.src(parts[0]) === '-') return -v;
      return undefined;
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'SetExpression': {
      const out: PyConst[] = [];
      for (const item of itemsOf(scope, n, depth + 1) ?? []) {
        const v = constOf(scope, item, depth + 1);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'DictionaryExpression': {
      const out: { [key: string]: PyConst } = {};
      for (const [key, value] of dictOf(scope, n) ?? []) {
        const v = constOf(scope, value, depth + 1);
        if (v === undefined) return undefined;
        out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The item nodes of a list, tuple or set (following names), or undefined. */
export function itemsOf(scope: Scope, node: SyntaxNode | undefined, depth = 0): SyntaxNode[] | undefined {
  const n = resolve(scope, node, depth);
  if (!n) return undefined;
  if (n.name === 'TupleExpression' || n.name === 'ArrayExpression' || n.name === 'SetExpression') {
    return children(n).filter((c) => !isPunct(c));
  }
  // `list(...)`, `tuple(...)`, `set(...)`, `sorted(...)` around a literal.
  const call = asCall(scope.file, n);
  if (call && /^(list|tuple|set|sorted|frozenset)$/.test(call.callee) && call.args.length === 1) {
    return itemsOf(scope, call.args[0], depth + 1);
  }
  return undefined;
}

/** The entries of a dict literal (string keys only), or undefined. */
export function dictOf(scope: Scope, node: SyntaxNode | undefined): [string, SyntaxNode][] | undefined {
  const n = resolve(scope, node);
  if (!n) return undefined;
  if (n.name === 'CallExpression') {
    const call = asCall(scope.file, n);
    if (call?.callee === 'dict') return [...call.kwargs.entries()];
    return undefined;
  }
  if (n.name !== 'DictionaryExpression') return undefined;
  const parts = children(n).filter((c) => c.name !== '{' && c.name !== '}' && c.name !== ',');
  const out: [string, SyntaxNode][] = [];
  for (let k = 0; k + 2 < parts.length + 1; k += 3) {
    const key = parts[k];
    const value = parts[k + 2];
    if (!key || !value || parts[k + 1]?.name !== ':') return out;
    const name = constOf(scope, key);
    if (typeof name === 'string') out.push([name, value]);
  }
  return out;
}

export function strConst(scope: Scope, node: SyntaxNode | undefined): string | undefined {
  const v = constOf(scope, node);
  return typeof v === 'string' ? v : undefined;
}

export function boolConst(scope: Scope, node: SyntaxNode | undefined): boolean | undefined {
  const v = constOf(scope, node);
  return typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : undefined;
}

// ---------------------------------------------------------------------------
// Strings

/**
 * The value of a string expression with its map into the file: literals, implicit and
 * `+` concatenation, f-strings, `%` and `.format()`, `textwrap.dedent`, `.strip()`,
 * names bound to any of those, and `sa.text(...)` (bind parameters become `$n`).
 */
export function strOf(scope: Scope, node: SyntaxNode | undefined, depth = 0): PyStr | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  const file = scope.file;
  const n = unparen(node);
  switch (n.name) {
    case 'String':
    case 'FormatString':
      return decodeLiteral(file.text, n, (field) => fieldValue(scope, field, depth));
    case 'ContinuedString':
      return concatStr(
        children(n)
          .filter((c) => c.name === 'String' || c.name === 'FormatString')
          .map((c) => decodeLiteral(file.text, c, (field) => fieldValue(scope, field, depth))),
      );
    case 'VariableName': {
      const value = scope.lookup(file.src(n), n.from);
      return value && value !== n ? strOf(scope, value, depth + 1) : undefined;
    }
    case 'BinaryExpression': {
      const [left, op, right] = children(n);
      if (!left || !op || !right) return undefined;
      const operator = file.src(op);
      if (operator === '+') {
        const l = strOf(scope, left, depth + 1);
        const r = strOf(scope, right, depth + 1);
        if (!l && !r) return undefined;
        const hole = (side: SyntaxNode, before: string | undefined, after: string | undefined) =>
          pinnedStr(placeholder(file.src(side), before, after), side.from, true);
        return concatStr([
          l ?? hole(left, undefined, r?.text[0]),
          r ?? hole(right, l?.text[l.text.length - 1], undefined),
        ]);
      }
      if (operator === '%') {
        const l = strOf(scope, left, depth + 1);
        if (!l) return undefined;
        const names = (itemsOf(scope, right) ?? [right]).map((item) => file.src(item));
        return percentFormat(l, names);
      }
      return undefined;
    }
    case 'CallExpression': {
      const call = asCall(file, n)!;
      const target = call.calleeNode.name === 'MemberExpression' ? call.calleeNode.firstChild : undefined;
      const property = target ? call.calleeNode.getChild('PropertyName') : null;
      const name = property ? file.src(property) : lastName(call.callee);
      if (name === 'text' && call.args.length >= 1) {
        const inner = strOf(scope, call.args[0], depth + 1);
        return inner && textClause(inner);
      }
      if (name === 'dedent' || name === 'cleandoc') {
        const inner = strOf(scope, call.args[0], depth + 1);
        return inner && (name === 'dedent' ? dedentStr(inner) : stripStr(dedentStr(inner), 'strip'));
      }
      if (name === 'f' && call.args.length === 1) return strOf(scope, call.args[0], depth + 1);
      if (target && (name === 'strip' || name === 'lstrip' || name === 'rstrip') && call.args.length === 0) {
        const inner = strOf(scope, target, depth + 1);
        return inner && stripStr(inner, name);
      }
      if (target && (name === 'bindparams' || name === 'execution_options' || name === 'columns')) {
        return strOf(scope, target, depth + 1);
      }
      if (target && name === 'format') {
        const inner = strOf(scope, target, depth + 1);
        if (!inner) return undefined;
        return braceFormat(inner, (key) => {
          const node = /^\d+$/.test(key) ? call.args[Number(key)] : call.kwargs.get(key.split(/[.[]/)[0]);
          if (!node) return undefined;
          const v = /^\d+$|^\w+$/.test(key) ? constOf(scope, node) : undefined;
          return typeof v === 'string' || typeof v === 'number' ? { value: String(v) } : { label: file.src(node) };
        });
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The text of an f-string field when it is a name bound to a constant. */
function fieldValue(scope: Scope, field: SyntaxNode, depth: number): string | undefined {
  let expr: SyntaxNode | undefined;
  let extra = false;
  for (let c = field.firstChild; c; c = c.nextSibling) {
    if (c.name === '{' || c.name === '}') continue;
    if (!expr) expr = c;
    else extra = true;
  }
  if (!expr || extra) return undefined;
  const v = constOf(scope, expr, depth + 1);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}
