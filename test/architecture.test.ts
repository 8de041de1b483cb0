/**
 * The layering of ARCHITECTURE.md, checked on every import (static and dynamic) of
 * src/ and rules/: arrows only point down, no two folders import each other, and a
 * rule imports nothing but the rule kit.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

/**
 * Each part of the code and its layer: a part may import its own layer and the layers
 * below it. Top-level files of src/ are parts of their own.
 */
const LAYERS: Record<string, number> = {
  'src/ir': 0,
  'src/errors.ts': 0,
  'src/meta.ts': 0,
  'src/sha256.ts': 0,
  'src/formats': 0,
  'src/pg': 1,
  'src/stats': 1,
  'src/schema': 2,
  'rules/kit': 3,
  rules: 4,
  'src/engine': 5,
  'src/frontends': 5,
  'src/discover': 5,
  'src/config': 6,
  'src/report': 6,
  'src/baseline.ts': 7,
  'src/plan': 7,
  'src/pipeline': 8,
  'src/lint.ts': 8,
  'src/exec': 9,
  'src/validate': 10,
  'src/cli': 11,
  'src/lsp': 11,
  'src/index.ts': 11,
};

/** Pairs that share or skip layers but must never meet: frontends and rules know nothing of each other. */
const NEVER: [string, string][] = [
  ['src/engine', 'src/frontends'],
  ['src/frontends', 'src/engine'],
  ['src/frontends', 'rules'],
  ['src/frontends', 'rules/kit'],
  ['src/discover', 'src/frontends'],
];

function partOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const parts = rel.split('/');
  if (parts[0] === 'rules') return parts[1] === 'kit' ? 'rules/kit' : 'rules';
  return parts.length === 2 ? rel : `${parts[0]}/${parts[1]}`;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

interface Edge {
  from: string;
  to: string;
  fromPart: string;
  toPart: string;
}

function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'rules'))]) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName).replace(/\.js$/, '.ts');
      edges.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target), fromPart: partOf(file), toPart: partOf(target) });
    }
  }
  return edges;
}

describe('architecture', () => {
  const edges = importEdges();

  it('knows the layer of every part of the code', () => {
    const unknown = [...new Set(edges.flatMap((e) => [e.fromPart, e.toPart]))].filter((p) => LAYERS[p] === undefined);
    expect(unknown, `parts with no layer in test/architecture.test.ts: ${unknown.join(', ')}`).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = edges.filter((e) => LAYERS[e.toPart] > LAYERS[e.fromPart]).map((e) => `${e.from} -> ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('keeps frontends, the engine and the rules apart', () => {
    const crossing = edges.filter((e) => NEVER.some(([a, b]) => e.fromPart === a && e.toPart === b)).map((e) => `${e.from} -> ${e.to}`);
    expect(crossing).toEqual([]);
  });

  it('has no import loop between two parts', () => {
    const pairs = new Set(edges.filter((e) => e.fromPart !== e.toPart).map((e) => `${e.fromPart} -> ${e.toPart}`));
    const loops = [...pairs].filter((p) => {
      const [a, b] = p.split(' -> ');
      return a < b && pairs.has(`${b} -> ${a}`);
    });
    expect(loops).toEqual([]);
  });

  it('lets a rule import only the rule kit', () => {
    const outside = edges
      .filter((e) => e.fromPart === 'rules' && !e.from.endsWith('rules/index.ts') && e.to !== 'rules/kit/index.ts')
      .map((e) => `${e.from} -> ${e.to}`);
    expect(outside).toEqual([]);
  });
});
