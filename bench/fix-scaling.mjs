// How `lint --fix` scales with the size of one file: a plain SQL file of N
// `CREATE INDEX` statements (each gets the CONCURRENTLY fix), linted and fixed in
// process from dist/ (build first: npm run build).
//
//   node bench/fix-scaling.mjs [10000 20000 40000]
//
// Not a test: it prints milliseconds per size. Linear scaling shows as time per
// statement staying flat while N doubles. Each size also checks the output: every
// statement fixed, once.
import { lintText } from '../dist/src/lint.js';
import { fixFile } from '../dist/src/engine/apply-fixes.js';
import { planFixes } from '../dist/src/engine/fix-plan/plan.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [10_000, 20_000, 40_000];

const fileOf = (n) => Array.from({ length: n }, (_, i) => `CREATE INDEX orders_${i}_idx ON orders (c${i});\n`).join('');

console.log('statements   lint ms   fixFile ms   planFixes ms   µs/statement (all)');
for (const n of SIZES) {
  const sql = fileOf(n);
  const t0 = performance.now();
  // transaction: false, so each fix applies where it stands.
  const result = await lintText(sql, 'big.sql', { transaction: false, rules: { 'require-concurrent-index': 'error' } });
  const t1 = performance.now();
  const findings = result.findings.filter((f) => f.fix);
  const { output, applied } = fixFile(sql, 'big.sql', findings);
  const t2 = performance.now();
  const plan = planFixes({
    migrations: result.migrations,
    findings,
    readBytes: () => Buffer.from(sql),
    listDir: () => [],
    aloneRunsOutsideTransaction: () => false,
  });
  const t3 = performance.now();
  const fixedCount = output.split('CREATE INDEX CONCURRENTLY ').length - 1;
  if (applied.length !== n || fixedCount !== n || plan.inPlace.length !== n) {
    throw new Error(`expected ${n} fixes, got ${applied.length} applied, ${fixedCount} in the output, ${plan.inPlace.length} planned`);
  }
  const fmt = (ms) => ms.toFixed(0).padStart(9);
  console.log(
    `${String(n).padStart(10)} ${fmt(t1 - t0)} ${fmt(t2 - t1).padStart(12)} ${fmt(t3 - t2).padStart(14)} ${((t3 - t0) * 1000 / n).toFixed(1).padStart(20)}`,
  );
}
