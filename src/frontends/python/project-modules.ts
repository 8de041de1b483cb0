import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { bodyStatements, PyFile } from './syntax.js';
import { dotted, Scope } from './values.js';

/**
 * The project's own Python modules, found the way Python finds them from the project root,
 * for migrations that use classes the project defines (a Django field, a SQLAlchemy type):
 * for a migration at `<root>/<pkg>/migrations/…`, `ipam.fields` is `ipam/fields.py` or
 * `ipam/fields/__init__.py` under one of the migration's ancestor folders, and
 * `from .base import X` is next to the importing module. A module of an installed package
 * is not in the project and stays unknown. Each file is read and parsed once.
 */

type ReadFile = (file: string) => string;

export interface PyModule {
  scope: Scope;
  file: string;
}

/** How far up from a migration the project root may be (prefect: seven folders). */
const ROOT_DEPTH = 10;

export class ProjectModules {
  private readonly modules = new Map<string, PyModule | null>();
  /**
   * Modules used since the caller last cleared it, for the cache's inputs: a change to one
   * changes the lowering.
   */
  readonly touched = new Set<string>();

  constructor(private readonly readFile: ReadFile) {}

  /** The module `name` (`ipam.fields`, or `.base` relative to `fromFile`) as seen from `fromFile`. */
  find(name: string, fromFile: string): PyModule | undefined {
    if (name.startsWith('.')) return this.relative(name, fromFile);
    if (!/^[\w.]+$/.test(name)) return undefined;
    const rel = name.split('.').join('/');
    // Paths may be relative to the run's folder, and the root above it: `..`, not dirname.
    let dir = path.dirname(fromFile);
    for (let i = 0; i < ROOT_DEPTH; i++, dir = path.join(dir, '..')) {
      const mod = this.first([path.join(dir, `${rel}.py`), path.join(dir, rel, '__init__.py')]);
      if (mod) return mod;
      if (path.isAbsolute(dir) && dir === path.dirname(dir)) break;
    }
    return undefined;
  }

  /** `from .base import X` in `pkg/fields.py` (or `pkg/fields/__init__.py`): a module next to the importing one. */
  private relative(name: string, importer: string): PyModule | undefined {
    const dots = /^\.+/.exec(name)![0].length;
    let dir = path.dirname(importer);
    for (let i = 1; i < dots; i++) dir = path.join(dir, '..');
    const rel = name.slice(dots).split('.').filter(Boolean).join('/');
    return this.first(rel ? [path.join(dir, `${rel}.py`), path.join(dir, rel, '__init__.py')] : [path.join(dir, '__init__.py')]);
  }

  /** The first of these files that is a module (each read once), noted as touched. */
  private first(candidates: string[]): PyModule | undefined {
    for (const candidate of candidates) {
      if (this.modules.get(candidate) === null) continue;
      const mod = this.modules.get(candidate) ?? this.read(candidate);
      this.modules.set(candidate, mod ?? null);
      if (mod) {
        this.touched.add(candidate);
        return mod;
      }
    }
    return undefined;
  }

  private read(file: string): PyModule | undefined {
    let text: string;
    try {
      text = this.readFile(file);
    } catch {
      return undefined;
    }
    const py = new PyFile(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return py.syntaxError() ? undefined : { scope: Scope.module(py), file };
  }
}

/** A class's base classes as written (`models.CharField`, `BaseIPField`). */
export function classBases(scope: Scope, cls: SyntaxNode): string[] {
  const args = cls.getChild('ArgList');
  const out: string[] = [];
  for (let c = args?.firstChild; c; c = c.nextSibling) {
    const name = dotted(scope.file, c);
    if (name && !name.endsWith('()')) out.push(name);
  }
  return out;
}

/** A method defined in a class body, by name. */
export function classMethod(scope: Scope, cls: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const s of bodyStatements(cls.getChild('Body'))) {
    const def = s.name === 'DecoratedStatement' ? s.lastChild : s;
    const id = def?.name === 'FunctionDefinition' ? def.getChild('VariableName') : null;
    if (id && scope.file.src(id) === name) return def!;
  }
  return undefined;
}
