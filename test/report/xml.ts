/**
 * A strict XML 1.0 well-formedness checker for the JUnit tests (no XML parser is
 * installed). It covers what a report can contain: an XML declaration, elements,
 * attributes, character data, character and predefined entity references, comments
 * and CDATA sections, with the spec's line-end handling. No DTDs. It throws with the offset on the first violation and
 * returns the element tree with attribute values normalised as the spec says
 * (literal whitespace becomes a space; character references are kept).
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (not its descendants'), decoded. */
  text: string;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME_START = /[A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9\u00B7\u0300-\u036F\u203F-\u2040A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function parseXml(input: string): XmlElement {
  // End-of-line handling (XML 1.0 §2.11): CR LF and lone CR reach the parser as LF.
  const doc = input.replace(/\r\n?/g, '\n');
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${i} (${JSON.stringify(doc.slice(i, i + 30))}): ${why}`);
  };

  // Every character must be an XML Char; surrogates only in valid pairs.
  for (let k = 0; k < doc.length; k++) {
    const cp = doc.codePointAt(k)!;
    if (cp > 0xffff) k++;
    else if (cp >= 0xd800 && cp <= 0xdfff) {
      i = k;
      fail('lone surrogate');
    }
    if (!isXmlChar(cp)) {
      i = k;
      fail(`character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
    }
  }

  const startsWith = (s: string) => doc.startsWith(s, i);
  const skipSpace = () => {
    const start = i;
    while (i < doc.length && ' \t\r\n'.includes(doc[i])) i++;
    return i > start;
  };
  const name = (): string => {
    const start = i;
    if (!NAME_START.test(doc[i] ?? '')) fail('expected a name');
    i++;
    while (i < doc.length && NAME_CHAR.test(doc[i])) i++;
    return doc.slice(start, i);
  };
  const reference = (): string => {
    // at '&'
    const end = doc.indexOf(';', i);
    if (end < 0) fail('unterminated reference');
    const body = doc.slice(i + 1, end);
    let value: string;
    if (/^#[0-9]+$/.test(body) || /^#x[0-9a-fA-F]+$/.test(body)) {
      const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!isXmlChar(cp)) fail(`character reference to a forbidden character &${body};`);
      value = String.fromCodePoint(cp);
    } else if (Object.hasOwn(PREDEFINED, body)) {
      value = PREDEFINED[body];
    } else {
      value = fail(`unknown entity &${body};`);
    }
    i = end + 1;
    return value;
  };
  const comment = () => {
    const end = doc.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    if (doc.slice(i + 4, end).includes('--') || doc[end - 1] === '-') fail('"--" inside a comment');
    i = end + 3;
  };
  const pi = () => {
    i += 2;
    const target = name();
    if (target.toLowerCase() === 'xml') fail('XML declaration not at the start');
    const end = doc.indexOf('?>', i);
    if (end < 0) fail('unterminated processing instruction');
    i = end + 2;
  };
  const misc = () => {
    for (;;) {
      skipSpace();
      if (startsWith('<!--')) comment();
      else if (startsWith('<?')) pi();
      else return;
    }
  };

  const element = (): XmlElement => {
    if (doc[i] !== '<') fail('expected "<"');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const spaced = skipSpace();
      if (startsWith('/>')) {
        i += 2;
        return el;
      }
      if (doc[i] === '>') {
        i++;
        break;
      }
      if (!spaced) fail('attributes must be separated by white space');
      const attr = name();
      if (Object.hasOwn(el.attrs, attr)) fail(`duplicate attribute ${attr}`);
      skipSpace();
      if (doc[i] !== '=') fail('expected "="');
      i++;
      skipSpace();
      const quote = doc[i];
      if (quote !== '"' && quote !== "'") fail('attribute value must be quoted');
      i++;
      let value = '';
      for (;;) {
        const c = doc[i];
        if (c === undefined) fail('unterminated attribute value');
        if (c === quote) break;
        if (c === '<') fail('"<" in an attribute value');
        if (c === '&') value += reference();
        else {
          value += c === '\t' || c === '\n' || c === '\r' ? ' ' : c;
          i++;
        }
      }
      i++;
      el.attrs[attr] = value;
    }
    // content
    for (;;) {
      if (i >= doc.length) fail(`element <${el.name}> is not closed`);
      if (startsWith('</')) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        skipSpace();
        if (doc[i] !== '>') fail('expected ">"');
        i++;
        return el;
      }
      if (startsWith('<!--')) comment();
      else if (startsWith('<![CDATA[')) {
        const end = doc.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        el.text += doc.slice(i + 9, end);
        i = end + 3;
      } else if (startsWith('<?')) pi();
      else if (doc[i] === '<') el.children.push(element());
      else if (doc[i] === '&') el.text += reference();
      else {
        if (startsWith(']]>')) fail('"]]>" in character data');
        el.text += doc[i];
        i++;
      }
    }
  };

  if (doc.charCodeAt(0) === 0xfeff) i = 1;
  if (startsWith('<?xml')) {
    const end = doc.indexOf('?>', i);
    if (end < 0) fail('unterminated XML declaration');
    const decl = doc.slice(i, end + 2);
    if (!/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>$/.test(decl)) {
      fail(`malformed XML declaration ${decl}`);
    }
    i = end + 2;
  }
  misc();
  if (startsWith('<!DOCTYPE')) fail('DTDs are not expected in a report');
  const root = element();
  misc();
  if (i !== doc.length) fail('content after the root element');
  return root;
}

/** Every element named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(visit);
  };
  visit(el);
  return out;
}
