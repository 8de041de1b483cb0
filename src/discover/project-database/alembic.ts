/**
 * Alembic: `sqlalchemy.url` in `alembic.ini`, and whatever `env.py` connects to
 * instead (`config.set_main_option('sqlalchemy.url', ...)`, `create_engine(...)`,
 * `context.configure(url=...)`). A URL read from the environment is computed: the
 * database is then unknown.
 */
import { urlEvidence, type Evidence } from './evidence.js';
import { PyConfigFile } from './py-config.js';
import type { ConfigReader } from './reader.js';

/** `sqlalchemy.url` in every section of an INI file; interpolations (`%(DB_URL)s`) are computed. */
function iniUrls(text: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^sqlalchemy\.url\s*[=:]\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const value = m[1].trim();
    // Empty: env.py sets it.
    if (value) out.push(/%\(|\$\{|\$[A-Z_]/.test(value) ? undefined : value);
  }
  return out;
}

/** Calls in env.py that choose the database, and the argument holding its URL. */
const URL_ARGUMENT: Record<string, (args: number) => number | 'url'> = {
  set_main_option: () => 1,
  set_section_option: (n) => (n >= 3 ? 2 : 1),
  create_engine: () => 0,
  create_async_engine: () => 0,
  configure: () => 'url',
};

/** The URLs env.py connects to; undefined when it is not Alembic's (it does not import alembic). */
async function envPyUrls(text: string): Promise<{ call: string; url: string | undefined }[] | undefined> {
  const py = await PyConfigFile.parse(text);
  if (!py.imports('alembic')) return undefined;
  const out: { call: string; url: string | undefined }[] = [];
  for (const call of py.calls()) {
    const which = URL_ARGUMENT[call.name]?.(call.args.length);
    if (which === undefined) continue;
    if (call.name.startsWith('set_') && !call.args.some((a) => py.string(a) === 'sqlalchemy.url')) continue;
    const node = which === 'url' ? call.kwargs.get('url') : call.args[which];
    if (node) out.push({ call: `${call.name}()`, url: py.string(node) });
  }
  return out;
}

export const alembicReader: ConfigReader = {
  files: ['alembic.ini', 'env.py'],
  async read(file, text) {
    if (file.endsWith('.ini')) return iniUrls(text).map((url) => urlEvidence(file, 'sqlalchemy.url', url));
    const found = await envPyUrls(text);
    return (found ?? []).map(({ call, url }): Evidence => urlEvidence(file, call, url));
  },
};
