import path from 'node:path';
import type { Finding } from '../ir/types.js';
import type { Reporter } from './context.js';
import { downMark } from './finding.js';
import { fingerprints } from './fingerprint.js';

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR,
 * U+FFFE, U+FFFF, and UTF-16 surrogates that are not part of a pair). They become U+FFFD.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Character data. CR is a reference: parsers turn a literal CR (or CR LF) into LF. */
function escapeText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Attribute values: quotes escaped too, and whitespace kept as references (parsers turn literal tabs and line breaks into spaces). */
function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
}

const posix = (file: string) => file.split(path.sep).join('/');

/**
 * A finding's test name: its rule and the start of its fingerprint (rule, file and flagged
 * statement, never the line), so a dashboard tracks the same test across runs when lines
 * move above it; the line is in the `line` attribute and the failure text.
 */
const testName = (f: Finding, fingerprint: string) => `${f.ruleId}${downMark(f)} ${fingerprint.slice(0, 12)}`;

function testcase(f: Finding, fingerprint: string): string {
  const file = posix(f.file);
  const { line, column } = f.range.start;
  const severity = f.severity === 'error' ? 'error' : 'warning';
  const rule = f.ruleId + downMark(f);
  const head = `    <testcase${attrs({ name: testName(f, fingerprint), classname: file, file, line, time: 0 })}>`;
  const failure = `      <failure${attrs({ message: f.message, type: severity })}>${escapeText(`${file}:${line}:${column}: ${severity}: ${f.message} [${rule}]`)}</failure>`;
  return `${head}\n${failure}\n    </testcase>`;
}

/**
 * JUnit XML for CI test dashboards (GitLab `reports: junit`, Jenkins, Azure DevOps):
 * one `<testsuite>` per linted file, one failing `<testcase>` per finding (warnings
 * too, with `type="warning"`), and a passing `<testcase>` for a file with no findings
 * so a clean run still shows what was checked.
 */
export const junitReporter: Reporter = (result) => {
  const prints = fingerprints(result.findings, result.migrations);
  const byFile = new Map<string, [Finding, string][]>();
  for (const file of result.files) byFile.set(file, []);
  for (const [i, f] of result.findings.entries()) {
    const list = byFile.get(f.file);
    if (list) list.push([f, prints[i]]);
    else byFile.set(f.file, [[f, prints[i]]]);
  }

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, findings] of byFile) {
    const name = posix(file);
    const cases = findings.length
      ? findings.map(([f, print]) => testcase(f, print))
      : [`    <testcase${attrs({ name: 'no problems', classname: name, file: name, time: 0 })}/>`];
    tests += cases.length;
    failures += findings.length;
    suites.push(
      `  <testsuite${attrs({ name, tests: cases.length, failures: findings.length, errors: 0, skipped: 0, time: 0 })}>`,
      ...cases,
      '  </testsuite>',
    );
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'migratelint', tests, failures, errors: 0, skipped: 0, time: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
};
