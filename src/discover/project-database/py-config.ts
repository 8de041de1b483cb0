/**
 * Just enough of a Python file to read database settings out of it: calls with their
 * arguments, assignments, dict entries and string constants (a literal, or a module
 * name bound once to one). Parsed with @lezer/python, loaded on first use.
 */
import type { SyntaxNode, Tree } from '@lezer/common';

export interface PyCall {
  /** The last name of the callee: `set_main_option` for `config.set_main_option(...)`. */
  name: string;
  args: SyntaxNode[];
  kwargs: Map<string, SyntaxNode>;
}

export class PyConfigFile {
  private readonly strings = new Map<string, string>();

  private constructor(
    readonly text: string,
    readonly tree: Tree,
  ) {
    for (const a of this.assignments()) {
      if (a.target.name !== 'VariableName') continue;
      const value = this.literal(a.value);
      if (value !== undefined) this.strings.set(this.src(a.target), value);
    }
  }

  static async parse(text: string): Promise<PyConfigFile> {
    const { parser } = await import('@lezer/python');
    return new PyConfigFile(text, parser.parse(text) as unknown as Tree);
  }

  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** Every node of the file, in order. */
  *nodes(): Generator<SyntaxNode> {
    const cursor = this.tree.cursor();
    do yield cursor.node;
    while (cursor.next());
  }

  /** Whether the file imports a module (`import alembic`, `from alembic import context`). */
  imports(module: string): boolean {
    for (const n of this.nodes()) {
      if (n.name !== 'ImportStatement') continue;
      const first = n.getChild('VariableName');
      if (first && this.src(first) === module) return true;
    }
    return false;
  }

  /** Every call in the file. */
  *calls(): Generator<PyCall> {
    for (const n of this.nodes()) {
      if (n.name !== 'CallExpression') continue;
      const callee = n.firstChild;
      const argList = n.getChild('ArgList');
      if (!callee || !argList) continue;
      const name = callee.name === 'MemberExpression' ? this.src(callee.getChild('PropertyName') ?? callee) : this.src(callee);
      const args: SyntaxNode[] = [];
      const kwargs = new Map<string, SyntaxNode>();
      for (let c = argList.firstChild; c; c = c.nextSibling) {
        if (c.name === '(' || c.name === ')' || c.name === ',') continue;
        if (c.name === 'VariableName' && c.nextSibling?.name === 'AssignOp' && c.nextSibling.nextSibling) {
          kwargs.set(this.src(c), c.nextSibling.nextSibling);
          c = c.nextSibling.nextSibling;
        } else args.push(c);
      }
      yield { name, args, kwargs };
    }
  }

  /** Every `target = value` statement (the first target of a chain). */
  *assignments(): Generator<{ target: SyntaxNode; value: SyntaxNode }> {
    for (const n of this.nodes()) {
      if (n.name !== 'AssignStatement') continue;
      const target = n.firstChild;
      const value = n.lastChild;
      if (target && value && target.nextSibling?.name === 'AssignOp') yield { target, value };
    }
  }

  /** A string constant: a literal, or a name bound once to one. */
  string(node: SyntaxNode | undefined): string | undefined {
    if (!node) return undefined;
    if (node.name === 'VariableName') return this.strings.get(this.src(node));
    return this.literal(node);
  }

  /** `'x'`, `"x"`, `r'x'`, `'''x'''`; not an f-string, whose value is computed. */
  private literal(node: SyntaxNode): string | undefined {
    if (node.name !== 'String') return undefined;
    const m = /^([rRuUbB]{0,2})('''|"""|'|")([\s\S]*)\2$/.exec(this.src(node));
    if (!m) return undefined;
    return /r/i.test(m[1]) ? m[3] : m[3].replace(/\\(['"\\])/g, '$1');
  }

  /** The entries of a dict literal: key (a string constant, when it is one) and value. */
  dictEntries(node: SyntaxNode): { key: string | undefined; value: SyntaxNode }[] {
    const out: { key: string | undefined; value: SyntaxNode }[] = [];
    if (node.name !== 'DictionaryExpression') return out;
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nextSibling?.name === ':' && c.nextSibling.nextSibling) {
        out.push({ key: this.string(c), value: c.nextSibling.nextSibling });
        c = c.nextSibling.nextSibling;
      }
    }
    return out;
  }
}
