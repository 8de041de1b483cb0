/**
 * Where SQL found in code becomes statements of the section: raw SQL handed to a
 * sink is parsed where it stands in the file, printed builder SQL is located at its
 * call. What cannot be read statically is counted in the coverage with the reason.
 */
import type * as t from '@babel/types';
import type { Range, Statement } from '../../ir/types.js';
import { parseChunk } from '../../pg/parse.js';
import { splitSql } from '../../pg/splitter.js';
import { propertyName, unwrapTs, type Env } from './scope.js';
import type { Evaluator } from './values.js';
import { buildChunk, hasLiteralText, hasHoles, type HoleMode, type StaticString } from './text.js';
import type { SqlOut } from './print.js';
import type { FileContext, SectionOut } from './walk-state.js';

export interface RawOptions {
  tagged?: boolean;
  rewrite?: (s: StaticString) => StaticString;
  inTx?: boolean;
}

export class SqlSink {
  constructor(
    readonly ctx: FileContext,
    readonly out: SectionOut,
    readonly ev: Evaluator,
  ) {}

  range(node: t.Node | { start: number; end: number }): Range {
    const start = (node as { start: number }).start;
    const end = (node as { end: number }).end;
    return { start: this.ctx.lines.position(start), end: this.ctx.lines.position(end) };
  }

  unanalysed(node: t.Node, reason: string): void {
    this.out.unanalysed.push({ file: this.ctx.file, range: this.range(node), reason });
  }

  /** Counts a builder call that was read but runs no SQL worth linting (reads, no-ops). */
  analysedOnly(): void {
    this.out.analysed++;
  }

  /**
   * Parses SQL handed to a sink. `node` is the SQL argument (string, template, variable,
   * tagged template); `call` the sink call, for coverage.
   */
  raw(node: t.Node, call: t.Node, env: Env, opts: RawOptions = {}): void {
    const n = unwrapTs(node);
    const tag = this.taggedSql(n, env);
    let s = tag ?? this.sqlRawCall(n, env);
    const tagged = tag ? true : (opts.tagged ?? false);
    s ??= this.ev.string(n, env);
    if (!s || !hasLiteralText(s)) {
      this.unanalysed(call, readReason(n, this.ev));
      return;
    }
    if (opts.rewrite) s = opts.rewrite(s);
    this.parseInto(s, call, tagged ? 'param' : 'ident', 'raw-string', opts.inTx ?? false);
  }

  /** sql`...`, or a variable holding one: `const q = sql\`...\`; await db.execute(q)`. */
  private taggedSql(n: t.Node, env: Env): StaticString | undefined {
    if (n.type === 'TaggedTemplateExpression' && this.ev.isSqlTag(n.tag, env)) return this.ev.tagged(n, env);
    if (n.type !== 'Identifier' || this.ev.string(n, env)) return undefined;
    const b = env.lookup(n.name);
    const target = b?.kind === 'expr' ? unwrapTs(b.node) : undefined;
    if (target?.type === 'TaggedTemplateExpression' && b?.kind === 'expr' && this.ev.isSqlTag(target.tag, b.env)) return this.ev.tagged(target, b.env);
    return undefined;
  }

  /** sql.raw('...') / sql.unsafe('...') handed to a query method: the string is the SQL. */
  private sqlRawCall(n: t.Node, env: Env): StaticString | undefined {
    if ((n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') || !n.arguments[0]) return undefined;
    const callee = unwrapTs(n.callee);
    if (callee.type === 'MemberExpression' && /^(raw|unsafe)$/.test(propertyName(callee) ?? '') && this.ev.isSqlTag(callee.object, env)) {
      return this.ev.string(n.arguments[0], env);
    }
    return undefined;
  }

  /** Parses printed builder SQL, one statement per SqlOut. */
  builder(outs: SqlOut[], call: t.Node, inTx = false): void {
    for (const o of outs) this.parseInto(o.toStatic(), call, 'ident', 'builder', inTx, o.at.end, false);
    this.out.analysed++;
  }

  private parseInto(
    s: StaticString,
    call: t.Node,
    mode: HoleMode,
    origin: 'raw-string' | 'builder',
    inTx: boolean,
    endOverride?: number,
    count = true,
  ): void {
    const last = s.pieces[s.pieces.length - 1];
    const end = endOverride ?? (last ? (last.kind === 'text' ? last.map(last.text.length) : last.end) : call.end!);
    const { built, statements } = this.parseWithBestPlaceholders(s, origin, end, mode);
    const bad = new Set(hasHoles(s) ? brokenByHoles(statements, built.holes) : []);
    // A call whose only statements failed because of placeholders is not analysed: it is counted below.
    if (bad.size && bad.size === statements.length) count = false;
    for (const st of statements) {
      if (bad.has(st)) {
        this.out.unanalysed.push({
          file: this.ctx.file,
          range: st.range,
          reason: 'SQL built at run time does not parse with placeholders for its interpolated values',
        });
        continue;
      }
      if (origin === 'builder' && st.kind === 'Invalid') {
        // SQL printed for a builder call that does not parse is a type string of another
        // database (`specificType('c', 'int unsigned')`) or a lowering gap, not the user's
        // syntax error: it is not analysed rather than reported.
        this.out.unanalysed.push({
          file: this.ctx.file,
          range: st.range,
          reason: `lowered SQL does not parse: ${st.error?.message ?? 'syntax error'}`,
        });
        continue;
      }
      this.out.statements.push(st);
      this.out.inExplicitTx.push(inTx);
    }
    if (count) this.out.analysed++;
    if (origin === 'raw-string' && built.chunk.sql.includes('migratelint-')) this.sqlComments(built.chunk);
  }

  /**
   * Interpolated values become placeholders; when one breaks the parse, the other kind
   * (a bind parameter where a name failed, or the reverse) is tried and the better kept.
   */
  private parseWithBestPlaceholders(s: StaticString, origin: 'raw-string' | 'builder', end: number, mode: HoleMode) {
    let built = buildChunk(s, this.ctx.file, this.ctx.lines, origin, end, mode);
    let statements = parseChunk(built.chunk);
    if (hasHoles(s) && brokenByHoles(statements, built.holes).length) {
      const other = buildChunk(s, this.ctx.file, this.ctx.lines, origin, end, mode === 'ident' ? 'param' : 'ident');
      const otherStatements = parseChunk(other.chunk);
      if (brokenByHoles(otherStatements, other.holes).length < brokenByHoles(statements, built.holes).length) {
        built = other;
        statements = otherStatements;
      }
    }
    return { built, statements };
  }

  /** Ignore directives written as SQL comments inside a string. */
  private sqlComments(chunk: { sql: string; position(offset: number): { line: number; column: number } }): void {
    for (const span of splitSql(chunk.sql).comments) {
      const text = chunk.sql.slice(span.start, span.end);
      if (!text.includes('migratelint-')) continue;
      const range = { start: chunk.position(span.start), end: chunk.position(span.end) };
      this.out.comments.push({ file: this.ctx.file, text, range, endOffset: this.ctx.lines.offset(range.end) });
    }
  }
}

/** Statements that failed to parse where a placeholder stands. */
function brokenByHoles(list: Statement[], holes: { start: number; end: number }[]): Statement[] {
  return list.filter((st) => st.kind === 'Invalid' && holes.some((h) => h.start < st.end && h.end > st.start));
}

/** Why a sink's SQL could not be read, in words. */
function readReason(n: t.Node, ev: Evaluator): string {
  const src = ev.src(n).replace(/\s+/g, ' ');
  const short = src.length > 50 ? `${src.slice(0, 47)}...` : src;
  if (n.type === 'CallExpression' && /readFileSync|readFile/.test(short)) return `SQL read from a file at run time (${short})`;
  if (n.type === 'CallExpression') return `SQL built at run time by ${short}`;
  return `SQL built at run time: ${short} is not a string known here`;
}
