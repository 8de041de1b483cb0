/**
 * Prisma: the `provider` of the schema's `datasource` block (`schema.prisma`,
 * `prisma/schema.prisma`), and of `migration_lock.toml`, which `prisma migrate` keeps
 * beside the migrations.
 */
import { settingEvidence, type Evidence } from './evidence.js';
import type { ConfigReader } from './reader.js';

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

/** Words, double-quoted strings and punctuation; comments (`//` in a schema, `#` in TOML) are dropped. */
function tokens(text: string, comment: '//' | '#'): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (text.startsWith(comment, i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j++];
      }
      out.push({ kind: 'string', text: value });
      i = j + 1;
    } else if (/[\w.-]/.test(c)) {
      let j = i;
      while (j < text.length && /[\w.-]/.test(text[j])) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return out;
}

/** `provider = "x"` from a token position: the string, or undefined when it is computed (`env("...")`). */
function providerAt(list: Token[], k: number): { value: string | undefined } | undefined {
  if (list[k]?.kind !== 'word' || list[k].text !== 'provider' || list[k + 1]?.text !== '=') return undefined;
  const value = list[k + 2];
  return { value: value?.kind === 'string' ? value.text : undefined };
}

/** The providers named in the `datasource` blocks of a Prisma schema. */
function schemaProviders(text: string): (string | undefined)[] {
  const list = tokens(text, '//');
  const out: (string | undefined)[] = [];
  for (let k = 0; k < list.length; k++) {
    if (list[k].kind !== 'word' || list[k].text !== 'datasource' || list[k + 2]?.text !== '{') continue;
    let depth = 0;
    for (let j = k + 2; j < list.length; j++) {
      if (list[j].text === '{') depth++;
      else if (list[j].text === '}' && --depth === 0) break;
      else if (depth === 1) {
        const p = providerAt(list, j);
        if (p) out.push(p.value);
      }
    }
  }
  return out;
}

export const prismaReader: ConfigReader = {
  files: ['schema.prisma', 'prisma/schema.prisma', 'migration_lock.toml'],
  async read(file, text) {
    if (file.endsWith('.toml')) {
      const list = tokens(text, '#');
      const found = list.map((_, k) => providerAt(list, k)).filter((p) => !!p);
      return found.map((p) => settingEvidence(file, 'provider', p.value));
    }
    const providers = schemaProviders(text);
    if (providers.length === 0) return [{ file, setting: 'no datasource provider found' } satisfies Evidence];
    return providers.map((p) => settingEvidence(file, 'provider', p));
  },
};
