import type { Reporter } from './context.js';
import { fingerprints } from './fingerprint.js';
import { SARIF_SCHEMA, SRCROOT, describeRule, level, originalUriBaseIds, region, relativeUri, toolDriver } from './sarif-parts.js';

/**
 * SARIF 2.1.0 for GitHub code scanning and review bots. Paths are relative to
 * `%SRCROOT%` (the working directory), columns count UTF-16 code units.
 */
export const sarifReporter: Reporter = (result, ctx) => {
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  const files = [...new Set([...result.files, ...result.findings.map((f) => f.file)])];
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const prints = fingerprints(result.findings, result.migrations);
  const artifactLocation = (file: string) => ({ uri: relativeUri(file), uriBaseId: SRCROOT, index: artifactIndex.get(file) });

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: toolDriver(ctx.toolVersion, result.rules.map(describeRule)),
        originalUriBaseIds: originalUriBaseIds(ctx.cwd),
        artifacts: files.map((f) => ({ location: { uri: relativeUri(f), uriBaseId: SRCROOT } })),
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((f, i) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
          level: level(f.severity),
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.file), region: region(f.range) } }],
          partialFingerprints: { 'migratelintFingerprint/v1': prints[i] },
          ...(f.fix
            ? {
                fixes: [
                  {
                    description: { text: f.fix.description },
                    artifactChanges: groupEdits(f.fix.edits).map(([file, edits]) => ({
                      artifactLocation: artifactLocation(file),
                      replacements: edits.map((e) => ({ deletedRegion: region(e.range, true), insertedContent: { text: e.text } })),
                    })),
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

function groupEdits<E extends { file: string }>(edits: E[]): [string, E[]][] {
  const byFile = new Map<string, E[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [...byFile];
}
