import fs from 'node:fs';

export const HOMEPAGE = 'https://github.com/migratelint/migratelint';

export function ruleDocsUrl(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${ruleId}.md`;
}

let version: string | undefined;

/** The package version, read once from package.json (up from src, dist/src or dist/bundle). */
export function toolVersion(): string {
  if (version) return version;
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8'));
      if (pkg.name === 'migratelint') return (version = pkg.version as string);
    } catch {
      // try the next candidate
    }
  }
  return (version = '0.0.0');
}
