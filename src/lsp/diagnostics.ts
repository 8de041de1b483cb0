/** Findings as protocol diagnostics: rule id as the code, its page as the code's description. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../ir/types.js';
import { toLspRange } from './ranges.js';

export const SOURCE = 'migratelint';

export function toDiagnostic(f: Finding, docsUrl: (ruleId: string) => string | undefined, lineLength?: (line: number) => number): Diagnostic {
  const href = docsUrl(f.ruleId);
  return {
    range: toLspRange(f.range, lineLength),
    severity: f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: f.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    source: SOURCE,
    message: f.hint ? `${f.message}\n${f.hint}` : f.message,
  };
}
