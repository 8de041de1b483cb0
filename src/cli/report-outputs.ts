import path from 'node:path';
import type { Finding, Migration } from '../ir/types.js';
import type { ReportContext, ReportInput } from '../report/context.js';
import { loadReporter, REPORTER_NAMES, type Keep, type LoadedFormat } from '../report/registry.js';
import { githubBlobUrl } from '../report/links.js';
import { findGitTop } from '../config/search.js';
import { UsageError } from '../errors.js';
import { toolVersion } from '../meta.js';
import type { Io } from './main.js';
import { ReportWriter, wantsColor } from './output.js';

/** One report a run writes: a format, and its file (stdout when none). */
export interface OutputSpec {
  format: string;
  file?: string;
}

/**
 * The `-f name[:file]` values (repeatable) and `-o file`, as the reports to write. The
 * name ends at the first `:`, so a Windows path after it stays whole. `-o` is the file of
 * the one format given without its own. At most one report goes to stdout: two would be
 * interleaved into something no tool can read.
 */
export function parseOutputs(formats: readonly string[], output: string | undefined): OutputSpec[] {
  const specs = formats.map((value): OutputSpec => {
    const colon = value.indexOf(':');
    const format = colon < 0 ? value : value.slice(0, colon);
    if (!REPORTER_NAMES.includes(format)) {
      throw new UsageError(`unknown format "${format}" (expected one of: ${REPORTER_NAMES.join(', ')})`);
    }
    if (colon < 0) return { format };
    const file = value.slice(colon + 1);
    if (!file) throw new UsageError(`-f ${format}: expects a file after ":" (-f ${format}:report.${format})`);
    return { format, file };
  });
  const unnamed = specs.filter((s) => s.file === undefined);
  if (output !== undefined) {
    if (unnamed.length !== 1) {
      throw new UsageError(
        unnamed.length
          ? '--output names one file but several formats have none: give each its own, as -f sarif:report.sarif'
          : '--output has no report to write: every -f names its own file',
      );
    }
    unnamed[0].file = output;
  } else if (unnamed.length > 1) {
    throw new UsageError(`only one report can go to stdout, ${unnamed.map((s) => s.format).join(' and ')} were given without a file: write the others to files, as -f ${unnamed[1].format}:report`);
  }
  const seen = new Map<string, string>();
  for (const s of specs) {
    if (s.file === undefined) continue;
    const key = path.resolve(s.file); // both against the same folder: only equality matters
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${s.file}: both ${other} and ${s.format} would be written to it`);
    seen.set(key, s.format);
  }
  return specs;
}

/** How much of a run a format needs kept, weakest first: the run keeps what the neediest asks. */
const KEEP_ORDER: Keep[] = ['findings', 'flagged', 'all'];

interface OpenOutput {
  spec: OutputSpec;
  format: LoadedFormat;
  writer: ReportWriter;
  ctx: ReportContext;
}

/**
 * The reports of one lint run, written from one result: each to its own file or stdout.
 * When every one can be written a migration at a time they stream (the run holds no
 * findings); otherwise all are written from the whole result at the end.
 */
export class ReportOutputs {
  private constructor(
    private readonly outputs: OpenOutput[],
    /** What of the run the formats need kept (`LintOptions.keep`). */
    readonly keeps: Keep,
  ) {}

  static async open(specs: readonly OutputSpec[], io: Io, base: Omit<ReportContext, 'color'>): Promise<ReportOutputs> {
    const entries = specs.map((spec) => ({ spec, entry: loadReporter(spec.format)! }));
    const outputs = await Promise.all(
      entries.map(async ({ spec, entry }) => ({
        spec,
        format: await entry.loading,
        writer: new ReportWriter(io, spec.file),
        // Colour for people only: text on a terminal.
        ctx: { ...base, color: spec.file === undefined && spec.format === 'text' && wantsColor(io) },
      })),
    );
    const keeps = KEEP_ORDER[Math.max(...entries.map(({ entry }) => KEEP_ORDER.indexOf(entry.keeps)))];
    return new ReportOutputs(outputs, keeps);
  }

  /** Whether every report can be written as the run goes. */
  get streams(): boolean {
    return this.outputs.every((o) => o.format.stream);
  }

  /** Writes one migration's findings to every streaming report. */
  readonly onMigration = (m: Migration, found: Finding[]): void => {
    if (!found.length) return;
    for (const o of this.outputs) o.writer.write(o.format.stream!.findings(found, m.sources, o.ctx));
  };

  /** Writes what is left (a streamed report's end, or a whole report) and closes every output. */
  finish(result: ReportInput, streamed: boolean, extra: Partial<Omit<ReportContext, 'color'>> = {}): void {
    for (const o of this.outputs) {
      const ctx = { ...o.ctx, ...extra, markdown: { ...o.ctx.markdown, ...extra.markdown } };
      o.writer.write(streamed ? o.format.stream!.end(result, ctx) : o.format.reporter(result, ctx));
      o.writer.close();
    }
  }
}

/** Flags that choose where reports go, not what is linted: left out of the command that reruns the lint. */
const OUTPUT_FLAGS = new Set(['-f', '--format', '-o', '--output', '--sarif-category']);
const OUTPUT_SWITCHES = new Set(['--sarif-srcroot', '--fix']);

/** A shell word: quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `migratelint lint <the same paths and lint flags>`: what shows every finding of this run, in text. */
export function rerunCommand(args: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (OUTPUT_FLAGS.has(a)) i++;
    else if (OUTPUT_SWITCHES.has(a) || [...OUTPUT_FLAGS].some((f) => a.startsWith(f.startsWith('--') ? `${f}=` : f) && a !== f)) continue;
    else kept.push(a);
  }
  return ['migratelint', 'lint', ...kept.map(shellWord)].join(' ');
}

/**
 * What every report of a lint run is told besides the findings: the repository root (git's
 * top level, else cwd) that SARIF and links name files from, the SARIF flags, and for a
 * pull-request comment the blob URL of this commit and the command that shows every finding.
 */
export function reportContext(values: Record<string, unknown>, args: readonly string[], io: Io): Omit<ReportContext, 'color'> {
  const category = values['sarif-category'];
  if (category !== undefined && (typeof category !== 'string' || !category.trim())) throw new UsageError('--sarif-category expects a name, as --sarif-category migrations');
  return {
    cwd: io.cwd,
    toolVersion: toolVersion(),
    root: findGitTop(io.cwd) ?? io.cwd,
    sarif: { category: category as string | undefined, srcroot: values['sarif-srcroot'] === true },
    markdown: { blobUrl: githubBlobUrl(io.env), rerun: rerunCommand(args) },
  };
}
