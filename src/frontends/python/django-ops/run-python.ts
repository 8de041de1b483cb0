/** Walks a RunPython function for `schema_editor.execute(...)`, cursors and ORM `update()` / `delete()`. */
import type { SyntaxNode } from '@lezer/common';
import type { SectionBuilder } from '../lower.js';
import { chainSql } from '../core.js';
import { percentFormat } from '../strings.js';
import type { PyFile } from '../syntax.js';
import { asCall, constOf, dotted, lastName, resolve, strConst, strOf, type Call, type Scope } from '../values.js';
import { BodyWalker, type WalkCtx } from '../walker.js';
import type { OpContext } from './context.js';

/** What a name bound by `with connection.cursor() as c:` stands for. */
const CURSOR = Symbol('cursor');

export class RunPythonWalker extends BodyWalker {
  constructor(
    file: PyFile,
    private readonly out: SectionBuilder,
    /** For model tables: the state as the operations have left it when the walk runs. */
    private readonly ops: OpContext,
  ) {
    super(file);
  }

  protected override withItem(call: Call, alias: SyntaxNode | undefined, _scope: Scope, ctx: WalkCtx): WalkCtx | undefined {
    if (lastName(call.callee) !== 'cursor' || !alias) return undefined;
    const names = new Map(ctx.names);
    names.set(this.file.src(alias), CURSOR);
    return { ...ctx, names };
  }

  protected notOnPostgres(from: number, to: number, reason: string): void {
    this.out.unanalysedSpan(from, to, reason);
  }

  protected call(call: Call, scope: Scope, ctx: WalkCtx): boolean {
    const method = lastName(call.callee);
    const receiver = call.callee.includes('.') ? call.callee.slice(0, call.callee.lastIndexOf('.')) : '';
    if ((method === 'execute' || method === 'executemany') && receiver) return this.execute(call, receiver, scope, ctx);
    if ((method === 'update' || method === 'delete') && /(^|\.)(objects|_default_manager|_base_manager)\b/.test(call.callee)) {
      return this.queryset(call, scope);
    }
    return false;
  }

  /** `cursor.execute(sql, params)`: SQL when the receiver is a cursor or the schema editor. */
  private execute(call: Call, receiver: string, scope: Scope, ctx: WalkCtx): boolean {
    const isSink =
      ctx.names.get(receiver) === CURSOR ||
      /(^|\.)(schema_editor|cursor|cur)$/.test(receiver) ||
      /\.cursor\(\)$/.test(receiver) ||
      (() => {
        const value = resolve(scope, call.calleeNode.firstChild ?? undefined);
        return !!value && /\.cursor\(\)$/.test(dotted(this.file, value) ?? '');
      })();
    if (!isSink) return false;
    const sqlNode = call.args[0] ?? call.kwargs.get('sql');
    const str = sqlNode ? strOf(scope, sqlNode) : undefined;
    this.out.analysed();
    if (!str) {
      if (sqlNode) this.out.unanalysed(sqlNode, 'SQL passed to execute() is not a string');
      return true;
    }
    const params = call.args[1] ?? call.kwargs.get('params');
    // The driver interpolates %s only when there are params.
    this.out.raw(params && constOf(scope, params) !== null ? percentFormat(str) : str, call.node);
    return true;
  }

  /** `Model.objects.filter(...).update(...)` / `.delete()`. */
  private queryset(call: Call, scope: Scope): boolean {
    const sql = chainSql(scope, call.node, (base, links) => {
      const managerAt = links.findIndex((l) => /^(objects|_default_manager|_base_manager)$/.test(l.method));
      if (managerAt < 0) return undefined;
      // apps.get_model('shop', 'Book').objects...: the model is the link before the manager.
      const owner = managerAt > 0 ? links[managerAt - 1] : undefined;
      const key = owner?.call && owner.method === 'get_model' ? this.modelKeyOf(scope, owner.call) : managerAt === 0 ? this.modelOf(scope, base) : undefined;
      return key ? { table: { name: this.ops.tableOf(key) }, skip: managerAt + 1 } : undefined;
    });
    if (!sql) return false;
    this.out.analysed();
    this.out.builder(sql, call.node);
    return true;
  }

  private modelKeyOf(scope: Scope, call: Call): string | undefined {
    const first = strConst(scope, call.args[0] ?? call.kwargs.get('app_label'));
    const second = strConst(scope, call.args[1] ?? call.kwargs.get('model_name'));
    if (first && second) return `${first}.${second}`.toLowerCase();
    if (first?.includes('.')) return first.toLowerCase();
    return undefined;
  }

  /** `apps.get_model('app', 'Model')` (or an imported model class) as a model key. */
  private modelOf(scope: Scope, base: SyntaxNode): string | undefined {
    const value = resolve(scope, base);
    const call = value ? asCall(this.file, value) : undefined;
    if (call && lastName(call.callee) === 'get_model') return this.modelKeyOf(scope, call);
    if (value?.name === 'VariableName') return `${this.ops.app}.${this.file.src(value).toLowerCase()}`;
    return undefined;
  }
}
