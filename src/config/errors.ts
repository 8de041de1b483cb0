import fs from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';

/**
 * A problem in a config file, as one line naming the file, the line of the key (for
 * JSON and YAML files, package.json included), the key path and what was expected.
 */
export class ConfigError extends UsageError {
  /** `file` is shown as given; `absolutePath` (when the shown path is relative to another folder) is read for line numbers. */
  constructor(file: string, keyPath: (string | number)[], message: string, absolutePath = file) {
    const line = keyPath.length ? lineOfKey(absolutePath, keyPath) : undefined;
    const key = keyPath.length ? `${keyPath.join('.')}: ` : '';
    super(`${file}${line ? `:${line}` : ''}: ${key}${message}`);
  }
}

function lineOfKey(file: string, keyPath: (string | number)[]): number | undefined {
  const isPackageJson = file.endsWith('package.json');
  if (!isPackageJson && /\.(c|m)?(js|ts)$/.test(file)) return undefined;
  try {
    return lineInYaml(fs.readFileSync(file, 'utf8'), isPackageJson ? ['migratelint', ...keyPath] : keyPath);
  } catch {
    return undefined;
  }
}

/** YAML is a superset of JSON, so one CST lookup serves both. Loaded only when a config is wrong. */
function lineInYaml(text: string, keyPath: (string | number)[]): number | undefined {
  const YAML = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const key of keyPath) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => String(YAML.isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (!pair) break;
      offset = YAML.isNode(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (YAML.isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) break;
      offset = YAML.isNode(item) ? item.range?.[0] : offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
