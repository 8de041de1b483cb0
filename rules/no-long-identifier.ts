import { chunkRange, codeTokens, defineRule, type SqlToken, type Statement } from './kit/index.js';

const MAX = 63;

/** The identifier as PostgreSQL keeps it: at most 63 bytes, cut on a character boundary. */
function truncated(name: string): string {
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > MAX) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/**
 * The identifier a scanner token spells: unquoted names are folded to lower case,
 * quoted ones keep their case with `""` read as `"`. Undefined for other tokens.
 * (The parser's AST already holds the truncated name, so the raw tokens are used.)
 */
function identifierOf(token: SqlToken): string | undefined {
  if (token.name !== 'IDENT') return undefined;
  const text = token.text;
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) return text.slice(1, -1).replace(/""/g, '"');
  if (/^u&"/i.test(text)) return undefined; // Unicode escapes: not worth decoding
  return text.toLowerCase();
}

/**
 * A cheap test before scanning: false only when no name in the text can be over 63 bytes.
 * Every statement goes through here, and real migrations (Prisma's, Drizzle's) quote
 * every name, so a quote alone must not send the statement to the scanner. ASCII text
 * (nearly all SQL) is checked by hand, where a character is a byte: no run of unquoted
 * name characters, and no stretch between two lone double quotes (a quoted name lies
 * in one; `""` inside a name is not a lone quote), is longer than 63.
 */
function mayHoldLongName(text: string): boolean {
  let run = 0;
  let sinceQuote = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return mayHoldLongNameUnicode(text);
    if (c === 34) {
      run = 0;
      if (text.charCodeAt(i + 1) === 34) {
        i++;
        if (sinceQuote >= 0) sinceQuote += 2;
        continue;
      }
      if (sinceQuote > MAX) return true;
      sinceQuote = 0;
      continue;
    }
    if (sinceQuote >= 0) sinceQuote++;
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36) {
      if (++run > MAX) return true;
    } else run = 0;
  }
  return false;
}

/** Text with non-ASCII characters: any quote sends it to the scanner, as does a long run of letters. */
function mayHoldLongNameUnicode(text: string): boolean {
  if (text.includes('"')) return true;
  for (const m of text.matchAll(/[\p{L}\p{N}_$]{16,}/gu)) if (Buffer.byteLength(m[0], 'utf8') > MAX) return true;
  return false;
}

/** Enum labels a statement defines (rejected, not truncated, when too long). */
function enumLabels(s: Statement): string[] {
  if (s.kind === 'CreateEnumStmt') return (s.node.vals ?? []).map((v: any) => v.String?.sval).filter((v: unknown): v is string => typeof v === 'string');
  if (s.kind === 'AlterEnumStmt' && typeof s.node.newVal === 'string') return [s.node.newVal];
  return [];
}

export default defineRule({
  id: 'no-long-identifier',
  severity: 'warn',
  summary: 'An identifier longer than 63 bytes is silently truncated by PostgreSQL',
  docs: {
    why:
      'PostgreSQL keeps at most 63 bytes of a name (NAMEDATALEN - 1) and cuts longer ones with only a NOTICE. ' +
      'Two long names that share their first 63 bytes then collide ("relation already exists"), and the name in ' +
      'the database is not the one in the code, so ORMs, later migrations and monitoring that look it up by its ' +
      'full name do not find it. Non-ASCII characters take several bytes, so the limit comes sooner than 63 ' +
      'characters. Enum labels longer than 63 bytes are rejected outright.',
    safe: 'Choose a name of at most 63 bytes: abbreviate the table part of generated index and constraint names.',
    bad: 'CREATE INDEX index_customer_subscriptions_on_billing_account_id_and_created_at ON customer_subscriptions (billing_account_id, created_at);',
    good: 'CREATE INDEX customer_subscriptions_billing_account_created_idx ON customer_subscriptions (billing_account_id, created_at);',
  },
  check({ statements, report, reportAt }) {
    const seen = new Set<string>();
    for (const s of statements) {
      if (!s.node) continue;
      const tokens = mayHoldLongName(s.text) ? (codeTokens(s) ?? []) : [];
      for (const token of tokens) {
        const name = identifierOf(token);
        if (name === undefined) continue;
        // In SQL from code, `${prefix}` stands for a value only known at run time: count only what is written.
        const bytes = Buffer.byteLength(s.chunk.origin === 'sql' ? name : name.replace(/\$\{[^}]*\}/g, ''), 'utf8');
        if (bytes <= MAX || seen.has(name)) continue;
        seen.add(name);
        const range = chunkRange(s, token.start, token.end) ?? s.range;
        reportAt(
          s.chunk.file,
          range,
          `identifier "${name}" is ${bytes} bytes: PostgreSQL silently truncates it to ${MAX} bytes ("${truncated(name)}"), so it can collide with another name and is not found under its full name`,
        );
      }
      for (const label of enumLabels(s)) {
        const bytes = Buffer.byteLength(label, 'utf8');
        if (bytes > MAX) report(s, `enum label '${label}' is ${bytes} bytes: PostgreSQL rejects labels longer than ${MAX} bytes`);
      }
    }
  },
});
