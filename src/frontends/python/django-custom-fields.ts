import type { SyntaxNode } from '@lezer/common';
import { classBases, classMethod, ProjectModules, type PyModule } from './project-modules.js';
import type { Scope } from './values.js';
import { strConst } from './values.js';

/**
 * Field classes a project defines itself (`ipam.fields.IPNetworkField`), read from their
 * module (project-modules.ts) as Django would use them: the type their `db_type()` returns
 * (NetBox's `return 'cidr'`), else the field they extend, followed to a Django field
 * (`class CounterCacheField(models.BigIntegerField)`). Without this, a class migratelint
 * does not know is typed by its name (`…CharField` → varchar, else text), and an index
 * with `inet_ops` on such a column fails in the trial although it runs on production.
 */

type ReadFile = (file: string) => string;

/** What a field class stands for: a PostgreSQL type of its own, or the Django field class it extends. */
export type FieldClass = { type: string } | { kind: string };

/** How many classes up a chain of bases is followed. */
const BASE_DEPTH = 8;

export class CustomFieldTypes {
  private readonly modules: ProjectModules;

  constructor(
    readFile: ReadFile,
    /** Django's own field classes by name (`CharField`): where a chain of bases stops. */
    private readonly isDjangoField: (name: string) => boolean,
  ) {
    this.modules = new ProjectModules(readFile);
  }

  /** Modules read since the caller last cleared it (see ProjectModules.touched). */
  get touched(): Set<string> {
    return this.modules.touched;
  }

  /** The class `classPath` (imports expanded: `ipam.fields.IPNetworkField`) used in the migration at `fromFile`. */
  resolve(classPath: string, fromFile: string): FieldClass | undefined {
    const dot = classPath.lastIndexOf('.');
    if (dot < 0 || classPath.startsWith('django.')) return undefined;
    const mod = this.modules.find(classPath.slice(0, dot), fromFile);
    return mod ? this.fromClass(mod, classPath.slice(dot + 1), 0) : undefined;
  }

  private fromClass(mod: PyModule, name: string, depth: number): FieldClass | undefined {
    const cls = mod.scope.classes.get(name);
    if (!cls || depth > BASE_DEPTH) return undefined;
    const own = dbType(mod.scope, cls);
    if (own) return { type: own };
    for (const base of classBases(mod.scope, cls)) {
      const last = base.slice(base.lastIndexOf('.') + 1);
      if (mod.scope.classes.has(base)) {
        const found = this.fromClass(mod, base, depth + 1);
        if (found) return found;
        continue;
      }
      const qualified = mod.scope.qualify(base);
      if (/^django\.(db\.models|contrib\.postgres)\b/.test(qualified) || (base.startsWith('models.') && this.isDjangoField(last))) {
        if (this.isDjangoField(last)) return { kind: last };
        continue;
      }
      const dot = qualified.lastIndexOf('.');
      const other = dot > 0 ? this.modules.find(qualified.slice(0, dot), mod.file) : undefined;
      const found = other ? this.fromClass(other, qualified.slice(dot + 1), depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }
}

/** What `def db_type(self, connection): return '<type>'` returns, when that is its only return. */
function dbType(scope: Scope, cls: SyntaxNode): string | undefined {
  const def = classMethod(scope, cls, 'db_type');
  if (!def) return undefined;
  const returns: string[] = [];
  const visit = (n: SyntaxNode) => {
    if (n.name === 'ReturnStatement') {
      const value = n.lastChild && n.lastChild.name !== 'return' ? strConst(scope, n.lastChild) : undefined;
      returns.push(value ?? '');
    }
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'FunctionDefinition') visit(c);
  };
  visit(def.getChild('Body') ?? def);
  return returns.length === 1 && /^[a-z][\w ]*(\(\d+(,\s*\d+)?\))?(\[\])?$/i.test(returns[0]) ? returns[0] : undefined;
}
