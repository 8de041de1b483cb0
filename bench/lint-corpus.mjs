#!/usr/bin/env node
// Generates a corpus of realistic SQL migrations in several formats and measures a
// full `migratelint lint` over it (files/s, MB/s, wall time, peak RSS), plus the
// wall time of linting a single file the way a pre-commit hook does.
//
//   npm run build && node bench/lint-corpus.mjs [--files 5000] [--dir bench/corpus] [--runs 3] [--format json|compact] [extra folder ...]
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const fileCount = Number(opt('files', 5000));
const corpus = path.resolve(opt('dir', path.join(root, 'bench', 'corpus')));
const runs = Number(opt('runs', 3));
// json keeps a summary of every migration (its report lists them); compact is written as
// the run goes and holds no findings: compare the two for memory at 50,000 files.
const format = opt('format', 'json');
if (!['json', 'compact'].includes(format)) throw new Error(`--format: json or compact, not ${format}`);
const extra = args;

function measure(target, label) {
  const walls = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const report = path.join(corpus, '..', `.lint-report.${format}`);
    const child = spawnSync(process.execPath, [path.join(root, 'bench', 'measure-child.mjs'), 'lint', target, '-f', format, '-o', report], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (child.status !== 0 && child.status !== 1) throw new Error(`${label}: lint exited ${child.status}: ${child.stderr}`);
    const text = fs.readFileSync(report, 'utf8');
    const summary = format === 'json' ? JSON.parse(text).summary : undefined;
    const findings = summary ? summary.errors + summary.warnings : text.split('\n').length - 1;
    last = { ...JSON.parse(child.stderr.trim().split('\n').pop()), findings, files: summary?.files };
  }
  walls.sort((a, b) => a - b);
  return { wallMs: walls[Math.floor(walls.length / 2)], ...last };
}

const { written, bytes } = generateCorpus(corpus, fileCount);
const full = measure(corpus, 'corpus');
const mb = bytes / 1e6;
console.log(`corpus: ${written} files, ${mb.toFixed(2)} MB in ${corpus}`);
console.log(
  `full lint: ${full.wallMs.toFixed(0)} ms wall (median of ${runs}, Node start-up included), ` +
    `${(written / (full.wallMs / 1000)).toFixed(0)} files/s, ${(mb / (full.wallMs / 1000)).toFixed(1)} MB/s, ` +
    `${(full.wallMs / written).toFixed(3)} ms/file, peak RSS ${full.maxRssMb} MB, ${full.findings} findings (-f ${format})`,
);

const single = path.join(corpus, 'plain', fs.readdirSync(path.join(corpus, 'plain'))[0]);
const one = measure(single, 'single');
console.log(`single file (pre-commit): ${one.wallMs.toFixed(0)} ms wall (median of ${runs}), peak RSS ${one.maxRssMb} MB`);

for (const dir of extra) {
  const r = measure(path.resolve(dir), dir);
  const files = r.files ?? '?';
  console.log(`${dir}: ${files} files, ${r.wallMs.toFixed(0)} ms wall${r.files ? `, ${(r.files / (r.wallMs / 1000)).toFixed(0)} files/s` : ''}, peak RSS ${r.maxRssMb} MB`);
}
