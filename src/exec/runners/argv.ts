/**
 * The config's `runner` command lines, split into words the way a POSIX shell would —
 * without running a shell: quotes and backslashes are honoured, leading `NAME=value`
 * words set environment variables, and anything that needs a real shell (pipes,
 * redirections, `$VAR`, globs, `;`, `&&`, backquotes) is refused with a message, so a
 * command is never silently run differently from how it reads.
 */

export interface SplitCommand {
  argv: string[];
  /** Leading `NAME=value` assignments. */
  env: Record<string, string>;
}

export class CommandSyntaxError extends Error {}

const SPECIAL: Record<string, string> = {
  '|': 'a pipe (|)',
  '&': 'a background or && operator (&)',
  ';': 'a command separator (;)',
  '<': 'a redirection (<)',
  '>': 'a redirection (>)',
  '(': 'a subshell ( ( )',
  ')': 'a subshell ( ) )',
  '`': 'a command substitution (`)',
  $: 'a variable or substitution ($)',
  '*': 'a glob (*)',
  '?': 'a glob (?)',
  '[': 'a glob ([)',
  '#': 'a comment (#)',
  '~': 'a home-folder shorthand (~)',
};

/** Splits a command line into words; throws CommandSyntaxError for shell syntax it does not run. */
export function splitCommandLine(line: string): SplitCommand {
  // `lead`: the word's characters before its first quote or backslash; an assignment's
  // NAME= must be written there (in a shell, 'A=b' is a command, not an assignment).
  const words: { text: string; lead: string }[] = [];
  let word: string | null = null;
  let lead = '';
  let plain = true;
  const end = () => {
    if (word !== null) words.push({ text: word, lead });
    word = null;
    lead = '';
    plain = true;
  };
  const add = (text: string, literal: boolean) => {
    word = (word ?? '') + text;
    if (!literal) plain = false;
    else if (plain) lead += text;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      end();
      continue;
    }
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new CommandSyntaxError(`unclosed single quote at column ${i + 1}`);
      add(line.slice(i + 1, close), false);
      i = close;
      continue;
    }
    if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const d = line[j];
        if (d === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1])) {
          if (line[j + 1] !== '\n') text += line[j + 1];
          j++;
        } else if (d === '$' || d === '`') {
          throw new CommandSyntaxError(`${SPECIAL[d]} inside double quotes at column ${j + 1} needs a shell; use single quotes for a literal ${d}`);
        } else text += d;
      }
      if (j >= line.length) throw new CommandSyntaxError(`unclosed double quote at column ${i + 1}`);
      add(text, false);
      i = j;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) throw new CommandSyntaxError('a backslash ends the command line');
      if (line[i + 1] !== '\n') add(line[i + 1], false);
      i++;
      continue;
    }
    if (c in SPECIAL) {
      // `~` and `#` only mean something at the start of a word; `[`, `?`, `*` are globs anywhere.
      const atStart = word === null;
      if ((c === '~' || c === '#') && !atStart) {
        add(c, true);
        continue;
      }
      throw new CommandSyntaxError(`${SPECIAL[c]} at column ${i + 1} needs a shell: write the command and its arguments only (or quote the character)`);
    }
    add(c, true);
  }
  end();

  const env: Record<string, string> = {};
  let k = 0;
  for (; k < words.length; k++) {
    const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(words[k].lead)?.[1];
    if (!name) break;
    env[name] = words[k].text.slice(name.length + 1);
  }
  const argv = words.slice(k).map((w) => w.text);
  if (!argv.length) throw new CommandSyntaxError(k ? 'only variable assignments, no command' : 'empty command');
  return { argv, env };
}

/** One word as a shell would need it written (for showing a command line). */
export function quoteWord(word: string): string {
  if (word === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export const formatCommandLine = (argv: readonly string[]): string => argv.map(quoteWord).join(' ');
