/**
 * `--fix` as a plan that deploys: what changes in each file, which new migrations are
 * written, and which fixes are left to the user with the way to do them.
 *
 * - A fix whose edits are the whole fix is applied where it stands.
 * - A fix whose statement cannot run where it stands (CONCURRENTLY inside the tool's
 *   transaction, or inside the one PostgreSQL runs a multi-statement query in) moves the
 *   statement, fixed, to a new migration of its own in the format's convention, right
 *   after its migration; its down moves with it.
 *   The last statement left in the up section stays: alone it runs outside any
 *   transaction where the tool sends it on its own, or once the migration's own
 *   transaction is switched off in the tool's convention (no-transaction.ts). In Alembic
 *   the statement stays, its op.execute() call wrapped in an autocommit block.
 * - A fix that needs a second step (NOT VALID, then VALIDATE) is applied only together
 *   with a new migration holding that step.
 * Where the format has no convention to write, no version fits, or the finding is in a
 * down, the fix is not applied and the recipe says how. Files are edited as bytes: what no
 * edit touches stays byte for byte, whatever its encoding.
 */
import type { Finding, Migration, Statement, TextEdit } from '../../ir/types.js';
import { FORMATS } from '../../formats/index.js';
import { AcceptedEdits, appliesInPlace, chooseFixes, place, sortPlaced } from '../apply-fixes.js';
import { FileBytes, isAsciiEdit } from './file-bytes.js';
import { sectionOf, statementOf } from './locate.js';
import { layoutOf, type NewMigrationContent, type WrittenFile } from './migration-layout.js';
import { planMove, type MovePlan } from './move.js';
import { transactionSwitch, type TransactionSwitch } from './no-transaction.js';
import { AUTOCOMMIT_BLOCK, autocommitBlockEdit } from './autocommit-block.js';
import { VersionAllocator } from './versions.js';

export interface FixPlanInput {
  /** The migrations linted, with their statements (lint with `retainIR`). */
  migrations: readonly Migration[];
  findings: readonly Finding[];
  readBytes(file: string): Buffer;
  /** The entries of a folder (names only), to find the versions already taken. */
  listDir(folder: string): string[];
  /** Whether one statement alone in a new file of this migration's format would run outside any transaction. */
  aloneRunsOutsideTransaction(migration: Migration): boolean;
}

export interface Recipe {
  finding: Finding;
  /** Why the fix was not applied, and how to do it by hand with the migration's tool. */
  text: string;
}

export interface FixPlan {
  /** Files to write: changed existing ones and new ones. */
  writes: WrittenFile[];
  /** New files among `writes`. */
  created: string[];
  /** Fixes applied where they stand. */
  inPlace: Finding[];
  /** Fixes whose statement moved to a new migration, with its (up) file. */
  moved: { finding: Finding; to: string }[];
  /** Fixes completed by a new migration (VALIDATE after NOT VALID), with its (up) file. */
  completed: { finding: Finding; to: string }[];
  /**
   * Fixes applied where they stand once their migration's own transaction was switched off
   * (it holds only them), or, `statementOnly`, once the statement alone was taken out of it
   * (Alembic's autocommit block).
   */
  switched: { finding: Finding; what: string; statementOnly: boolean }[];
  /** Fixes left to the user. */
  recipes: Recipe[];
}

export function planFixes(input: FixPlanInput): FixPlan {
  const plan: FixPlan = { writes: [], created: [], inPlace: [], moved: [], completed: [], switched: [], recipes: [] };
  const byMigration = new Map<Migration, Finding[]>();
  const owner = new Map<string, Migration>();
  for (const m of input.migrations) for (const f of m.files) owner.set(f, m);
  for (const f of input.findings) {
    const m = f.fix && f.fix.edits.length > 0 ? owner.get(f.file) : undefined;
    if (!m) continue;
    const list = byMigration.get(m);
    if (list) list.push(f);
    else byMigration.set(m, [f]);
  }
  for (const [m, findings] of byMigration) new MigrationFixer(m, findings, input, plan).run();
  return plan;
}

/** The fixes of one migration: moves first (they take the first versions after it), then the rest. */
class MigrationFixer {
  private readonly files = new Map<string, FileBytes | string>();
  private readonly cuts: TextEdit[] = [];
  /** Findings settled by a move (the moved fix, and fixes inside the moved statement). */
  private readonly settled = new Set<Finding>();
  /** Fixes of statements that stay, alone in their file, where they now run outside any transaction. */
  private readonly extraInPlace: Finding[] = [];
  private movedCount = 0;
  /** How this migration's own transaction is switched off, once asked. */
  private switch?: TransactionSwitch | string;
  /** Fixes kept alone that need the switch (the findings as placed in `extraInPlace`). */
  private readonly switched = new Map<Finding, TransactionSwitch>();
  private allocator?: VersionAllocator | null;
  private readonly layout;

  constructor(
    private readonly m: Migration,
    private readonly findings: Finding[],
    private readonly input: FixPlanInput,
    private readonly plan: FixPlan,
  ) {
    this.layout = layoutOf(m.format);
  }

  run(): void {
    const moves = this.findings.filter((f) => f.fix!.placement === 'own-migration');
    const followed = this.findings.filter((f) => f.fix!.followUp && !f.fix!.placement);
    for (const f of moves) this.move(f);
    const validating = this.followUps(followed);
    const inPlace = this.findings.filter((f) => appliesInPlace(f) && !this.settled.has(f) && (!f.fix!.followUp || validating.has(f)));
    const applied = this.applyInPlace(inPlace);
    this.writeFollowUp(followed.filter((f) => applied.has(f)));
  }

  /** The file's bytes, or why it cannot be edited. */
  private bytes(file: string): FileBytes | string {
    let b = this.files.get(file);
    if (b === undefined) {
      try {
        const read = new FileBytes(this.input.readBytes(file));
        b = read.text === this.m.sources.get(file) ? read : 'the file changed since it was linted';
      } catch (e) {
        b = `cannot read the file (${(e as Error).message})`;
      }
      this.files.set(file, b);
    }
    return b;
  }

  private recipe(finding: Finding, why: string, how: string): void {
    this.plan.recipes.push({ finding, text: `${why}; ${how}` });
  }

  private get outsideTransaction(): string {
    return FORMATS[this.m.format].outsideTransaction;
  }

  /** Versions for new migrations right after this one; null when the format has no layout. */
  private versions(): VersionAllocator | null {
    if (this.allocator === undefined) {
      const layout = this.layout;
      const version = this.m.version;
      if (!layout || version === undefined) this.allocator = null;
      else {
        const folder = layout.folderOf(this.m);
        const taken = this.input.listDir(folder).flatMap((e) => layout.versionOf(folder, e) ?? []);
        this.allocator = new VersionAllocator(layout.scheme, version, taken);
      }
    }
    return this.allocator;
  }

  private move(f: Finding): void {
    const how = `run it without a transaction: ${this.outsideTransaction}`;
    if (this.m.format === 'alembic') return this.wrapInAutocommitBlock(f, how);
    if (f.direction === 'down') return this.recipe(f, 'not moved: a down runs in reverse, so its statements cannot go to another migration', how);
    const stmt = statementOf(this.m.up, f);
    if (!stmt) return this.recipe(f, 'not moved: its statement was not found', how);
    // The last statement left stays, and is fixed where it stands once alone is enough.
    if (this.m.up.statements.length - this.movedCount <= 1) return this.keepAlone(f, stmt, how);
    const versions = this.versions();
    if (!versions) return this.recipe(f, `not moved: migratelint writes no new ${FORMATS[this.m.format].label} migrations`, how);
    const planned = planMove(this.m, stmt, f);
    if ('refused' in planned) return this.recipe(f, `not moved: ${planned.refused}`, how);
    const up = this.bytes(stmt.chunk.file);
    const down = 'stmt' in planned.down ? this.bytes(planned.down.stmt.chunk.file) : undefined;
    const unreadable = [up, down].find((b): b is string => typeof b === 'string');
    if (unreadable) return this.recipe(f, `not moved: ${unreadable}`, how);
    const companions = this.companionsOf(planned);
    const content = this.movedContent(planned, up as FileBytes, down as FileBytes | undefined, companions);
    if (typeof content === 'string') return this.recipe(f, `not moved: ${content}`, how);
    const version = versions.take();
    if (!version) return this.recipe(f, `not moved: no free version after ${this.m.version} and before the next migration`, how);
    const files = this.layout!.write(this.layout!.folderOf(this.m), version, content, this.m);
    this.create(files);
    this.cuts.push(planned.cut, ...(planned.downCut ? [planned.downCut] : []));
    this.movedCount++;
    for (const c of [f, ...companions]) this.settled.add(c);
    this.plan.moved.push({ finding: f, to: files[0].file });
  }

  /**
   * The last statement of the up section stays and gets its edits where, alone, it runs
   * outside any transaction: by the tool's rules, or once the migration's own transaction
   * is switched off (the switch is part of the fix: both apply, or neither).
   */
  private keepAlone(f: Finding, stmt: Statement, how: string): void {
    const fix = { ...f.fix!, placement: undefined };
    if (!this.input.aloneRunsOutsideTransaction(this.m)) {
      this.switch ??= transactionSwitch(this.m, stmt, {
        text: (file) => this.m.sources.get(file),
        readOther: (file) => {
          try {
            return this.input.readBytes(file);
          } catch {
            return undefined;
          }
        },
      });
      const sw = this.switch;
      if (typeof sw === 'string') return this.recipe(f, `not applied: it is the only statement of a migration that runs in a transaction, and ${sw}`, how);
      if ('edit' in sw) fix.edits = [...fix.edits, sw.edit];
      const alone = { ...f, fix };
      this.switched.set(alone, sw);
      this.settled.add(f);
      this.extraInPlace.push(alone);
      return;
    }
    this.settled.add(f);
    this.extraInPlace.push({ ...f, fix });
  }

  /** Alembic: the statement stays, its op.execute() call wrapped in an autocommit block (in an up or a down alike). */
  private wrapInAutocommitBlock(f: Finding, how: string): void {
    const stmt = statementOf(sectionOf(this.m, f), f);
    if (!stmt) return this.recipe(f, 'not applied: its statement was not found', how);
    const edit = autocommitBlockEdit(this.m, stmt);
    if (typeof edit === 'string') return this.recipe(f, `not applied: ${edit}`, how);
    const wrapped = { ...f, fix: { ...f.fix!, placement: undefined, edits: [...f.fix!.edits, edit] } };
    this.switched.set(wrapped, { edit, what: AUTOCOMMIT_BLOCK, statementOnly: true });
    this.settled.add(f);
    this.extraInPlace.push(wrapped);
  }

  /** In-place fixes of other findings that lie wholly inside the moved statement: they move with it. */
  private companionsOf(planned: MovePlan): Finding[] {
    const { start, end } = planned.stmt.range;
    const inside = (e: TextEdit) =>
      e.file === planned.stmt.chunk.file &&
      (e.range.start.line > start.line || (e.range.start.line === start.line && e.range.start.column >= start.column)) &&
      (e.range.end.line < end.line || (e.range.end.line === end.line && e.range.end.column <= end.column));
    return this.findings.filter((f) => f !== planned.finding && appliesInPlace(f) && !f.fix!.followUp && f.fix!.edits.every(inside));
  }

  /** The new migration's content: the statement with its fix (and companions' edits that do not clash), and its down. */
  private movedContent(planned: MovePlan, up: FileBytes, down: FileBytes | undefined, companions: Finding[]): NewMigrationContent | string {
    const file = planned.stmt.chunk.file;
    const { accepted, skipped } = chooseFixes(up.lines, file, [{ ...planned.finding, fix: { ...planned.finding.fix!, placement: undefined } }, ...companions]);
    if (skipped.includes(planned.finding)) return 'its fix clashes with another';
    const edits = accepted.list.map((p) => p.edit);
    if (!up.utf8 && !edits.every(isAsciiEdit)) return 'the file is not UTF-8 and the fix is not ASCII';
    const upBytes = Buffer.concat([up.render(edits, planned.stmt.range), Buffer.from(';')]);
    let downBytes: Buffer | undefined;
    let downNote = 'nothing to undo';
    const d = planned.down;
    if ('stmt' in d) downBytes = Buffer.concat([down!.render(d.edits, d.stmt.range), Buffer.from(';')]);
    else if ('sql' in d) downBytes = Buffer.from(d.sql);
    else downNote = d.nothing || downNote;
    return { name: planned.name, up: upBytes, down: downBytes, downNote, noTransaction: true };
  }

  /** The follow-up fixes that will be applied: those whose second step can be written. */
  private followUps(followed: Finding[]): Set<Finding> {
    const ok = new Set<Finding>();
    for (const f of followed) {
      const step = f.fix!.followUp!;
      const how = `add it by hand, with ${step.sql ?? 'VALIDATE CONSTRAINT'} in the next migration (its own transaction)`;
      if (f.direction === 'down') this.recipe(f, 'not applied: a down has no next migration to validate in', how);
      else if (!step.sql) this.recipe(f, 'not applied: the constraint has no name to validate it by', `name it, then ${how}`);
      else if (!this.versions()) this.recipe(f, `not applied: migratelint writes no new ${FORMATS[this.m.format].label} migrations for the VALIDATE`, how);
      else if (!this.versionsLeft()) this.recipe(f, `not applied: no free version after ${this.m.version} for the VALIDATE`, how);
      else ok.add(f);
    }
    return ok;
  }

  private versionsLeft(): boolean {
    return !!this.versions()?.peek();
  }

  /** Applies the in-place fixes and the cuts, file by file; gives the findings applied. */
  private applyInPlace(findings: Finding[]): Set<Finding> {
    const applied = new Set<Finding>();
    const all = [...findings, ...this.extraInPlace];
    const files = new Set([...all.map((f) => f.file), ...this.cuts.map((c) => c.file)]);
    for (const file of files) {
      const bytes = this.bytes(file);
      const mine = all.filter((f) => f.file === file);
      if (typeof bytes === 'string') {
        for (const f of mine) this.recipe(f, `not applied: ${bytes}`, f.fix!.description);
        continue;
      }
      const usable = bytes.utf8 ? mine : mine.filter((f) => f.fix!.edits.every(isAsciiEdit));
      if (usable.length < mine.length) {
        const ok = new Set(usable);
        for (const f of mine) if (!ok.has(f)) this.recipe(f, 'not applied: the file is not UTF-8 and the fix is not ASCII', f.fix!.description);
      }
      const accepted = new AcceptedEdits();
      for (const p of sortPlaced(place(bytes.lines, this.cuts.filter((c) => c.file === file)))) accepted.add(p);
      const chosen = chooseFixes(bytes.lines, file, usable, accepted);
      if (accepted.list.length === 0) continue;
      this.plan.writes.push({ file, bytes: bytes.render(accepted.list.map((p) => p.edit)) });
      for (const f of chosen.applied) {
        applied.add(f);
        this.plan.inPlace.push(f);
        const sw = this.switched.get(f);
        if (!sw) continue;
        if ('write' in sw) {
          this.plan.writes.push(sw.write);
          if (sw.created) this.plan.created.push(sw.write.file);
        }
        this.plan.switched.push({ finding: f, what: sw.what, statementOnly: 'edit' in sw && !!sw.statementOnly });
      }
    }
    return applied;
  }

  /** The migration after this one that validates what the applied NOT VALID fixes left unvalidated. */
  private writeFollowUp(findings: Finding[]): void {
    if (findings.length === 0) return;
    const version = this.versions()!.take()!;
    const steps = findings.map((f) => f.fix!.followUp!);
    const content: NewMigrationContent = {
      name: steps.length === 1 ? steps[0].what : `${steps[0].what} and ${steps.length - 1} more`,
      up: Buffer.from(steps.map((s) => s.sql).join('\n')),
      downNote: `VALIDATE CONSTRAINT changes no schema: nothing to undo (the down of ${this.m.version}_${this.m.name ?? ''} drops the constraint)`,
      noTransaction: false,
    };
    const files = this.layout!.write(this.layout!.folderOf(this.m), version, content, this.m);
    this.create(files);
    for (const f of findings) this.plan.completed.push({ finding: f, to: files[0].file });
  }

  private create(files: WrittenFile[]): void {
    this.plan.writes.push(...files);
    this.plan.created.push(...files.map((f) => f.file));
  }
}
