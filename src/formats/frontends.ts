/**
 * Which frontend reads a file, by its extension. Discovery needs this to collect files
 * without loading any parser; the frontend registry maps the same names to modules.
 */
export type FrontendName = 'sql' | 'typescript' | 'python' | 'ruby';

export const FRONTEND_EXTENSIONS: Readonly<Record<FrontendName, readonly string[]>> = {
  sql: ['.sql'],
  typescript: ['.js', '.cjs', '.mjs', '.ts', '.mts', '.cts'],
  python: ['.py'],
  ruby: ['.rb'],
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.values(FRONTEND_EXTENSIONS).flat();

export function frontendNameFor(file: string): FrontendName | undefined {
  const lower = file.toLowerCase();
  for (const [name, extensions] of Object.entries(FRONTEND_EXTENSIONS) as [FrontendName, readonly string[]][])
    if (extensions.some((ext) => lower.endsWith(ext))) return name;
  return undefined;
}
