/**
 * Rails' default English inflections, the part migrations need: a model's table
 * (`LineItem` → `line_items`), a reference's table (`t.references :category` →
 * `categories`) and a foreign key's column (`add_foreign_key :posts, :people` →
 * `person_id`). Regular nouns follow Rails' default rules (…s/x/z/ch/sh → es,
 * consonant + y → ies, f/fe → ves, …); the irregular nouns Rails knows by default
 * (person, man, child, sex, move, zombie, ox, mouse/louse, …) and its uncountable words
 * are listed. An application's own `inflections.rb` is not read.
 */

const IRREGULAR: [string, string][] = [
  ['person', 'people'],
  ['man', 'men'],
  ['child', 'children'],
  ['sex', 'sexes'],
  ['move', 'moves'],
  ['zombie', 'zombies'],
];

const UNCOUNTABLE = new Set(['equipment', 'information', 'rice', 'money', 'species', 'series', 'fish', 'sheep', 'jeans', 'police']);

/** Plural rules, most specific first (Rails applies the last matching of its list; this is that list reversed). */
const PLURAL: [RegExp, string][] = [
  [/(quiz)$/i, '$1zes'],
  [/^(oxen)$/i, '$1'],
  [/^(ox)$/i, '$1en'],
  [/^(m|l)ice$/i, '$1ice'],
  [/^(m|l)ouse$/i, '$1ice'],
  [/(matr|vert|ind)(?:ix|ex)$/i, '$1ices'],
  [/(x|ch|ss|sh)$/i, '$1es'],
  [/([^aeiouy]|qu)y$/i, '$1ies'],
  [/(hive)$/i, '$1s'],
  [/(?:([^f])fe|([lr])f)$/i, '$1$2ves'],
  [/sis$/i, 'ses'],
  [/([ti])a$/i, '$1a'],
  [/([ti])um$/i, '$1a'],
  [/(buffal|tomat)o$/i, '$1oes'],
  [/(bu)s$/i, '$1ses'],
  [/(alias|status)$/i, '$1es'],
  [/(octop|vir)i$/i, '$1i'],
  [/(octop|vir)us$/i, '$1i'],
  [/^(ax|test)is$/i, '$1es'],
  [/s$/i, 's'],
  [/$/, 's'],
];

const SINGULAR: [RegExp, string][] = [
  [/(database)s$/i, '$1'],
  [/(quiz)zes$/i, '$1'],
  [/(matr)ices$/i, '$1ix'],
  [/(vert|ind)ices$/i, '$1ex'],
  [/^(ox)en/i, '$1'],
  [/(alias|status)(es)?$/i, '$1'],
  [/(octop|vir)(us|i)$/i, '$1us'],
  [/^(a)x[ie]s$/i, '$1xis'],
  [/(cris|test)(is|es)$/i, '$1is'],
  [/(shoe)s$/i, '$1'],
  [/(o)es$/i, '$1'],
  [/(bus)(es)?$/i, '$1'],
  [/^(m|l)ice$/i, '$1ouse'],
  [/(x|ch|ss|sh)es$/i, '$1'],
  [/(m)ovies$/i, '$1ovie'],
  [/(s)eries$/i, '$1eries'],
  [/([^aeiouy]|qu)ies$/i, '$1y'],
  [/([lr])ves$/i, '$1f'],
  [/(tive)s$/i, '$1'],
  [/(hive)s$/i, '$1'],
  [/([^f])ves$/i, '$1fe'],
  [/(^analy)(sis|ses)$/i, '$1sis'],
  [/((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$/i, '$1sis'],
  [/([ti])a$/i, '$1um'],
  [/(n)ews$/i, '$1ews'],
  [/(ss)$/i, '$1'],
  [/s$/i, ''],
];

/** Applies the rules to the last word of a snake_case name (`line_item` → `line_items`). */
function inflect(word: string, rules: [RegExp, string][], irregular: (w: string) => string | undefined): string {
  const at = word.lastIndexOf('_') + 1;
  const head = word.slice(0, at);
  const last = word.slice(at);
  if (!last || UNCOUNTABLE.has(last.toLowerCase())) return word;
  const irr = irregular(last.toLowerCase());
  if (irr) return head + irr;
  for (const [re, to] of rules) if (re.test(last)) return head + last.replace(re, to);
  return word;
}

export function pluralize(word: string): string {
  return inflect(word, PLURAL, (w) => IRREGULAR.find(([s, p]) => s === w || p === w)?.[1]);
}

export function singularize(word: string): string {
  return inflect(word, SINGULAR, (w) => IRREGULAR.find(([s, p]) => p === w || s === w)?.[0]);
}

/** `LineItem` → `line_item`, `HTTPRequest` → `http_request`, `Admin::User` → `user`. */
export function underscore(constant: string): string {
  const last = constant.split('::').pop() ?? constant;
  return last
    .replace(/([A-Z\d]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The table Rails gives a model class by default. */
export function tableize(constant: string): string {
  return pluralize(underscore(constant));
}
