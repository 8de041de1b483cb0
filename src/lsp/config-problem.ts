/**
 * A config that cannot be used, as one diagnostic on the config file. Config errors name
 * the file (relative to the project) and, when known, the line: `.migratelintrc.json:4: rules.x: ...`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { SOURCE } from './diagnostics.js';

export function configProblemAt(root: string, message: string): { uri: string; diagnostic: Diagnostic } | undefined {
  const m = /^(.+?)(?::(\d+))?: /.exec(message);
  if (!m) return undefined;
  const file = path.resolve(root, m[1]);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return undefined;
  const line = m[2] ? Number(m[2]) - 1 : 0;
  const length = fs.readFileSync(file, 'utf8').split('\n')[line]?.replace(/\r$/, '').length ?? 0;
  return {
    uri: pathToFileURL(file).href,
    diagnostic: {
      range: { start: { line, character: 0 }, end: { line, character: length } },
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      message: message.slice(m[0].length),
    },
  };
}
