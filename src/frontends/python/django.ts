/**
 * Django migrations: `class Migration(migrations.Migration)` with its dependencies,
 * replaces, atomic and operations, each operation lowered to the SQL Django's
 * PostgreSQL schema editor would run (what `manage.py sqlmigrate` prints), with the
 * project state (earlier migrations) supplying what an operation does not say itself.
 * The operations themselves are lowered in django-ops/, one module per family.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Migration } from '../../ir/types.js';
import type { MigrationUnit } from '../../ir/unit.js';
import type { ReadFile } from '../registry.js';
import type { PyFile } from './syntax.js';
import type { Scope } from './values.js';
import { SectionBuilder, type Coverage } from './lower.js';
import { migrationInfo, projectFor, type DjMigrationInfo, type DjState } from './django-state.js';
import type { Emit } from './django-ops/context.js';
import { runOperations } from './django-ops/dispatch.js';

/** Replays a dependency's operations on a state (no SQL). */
export function replayDjango(info: DjMigrationInfo, state: DjState): void {
  runOperations(info, state, undefined, info.operations ?? []);
}

export function readDjango(
  unit: MigrationUnit,
  file: PyFile,
  scope: Scope,
  cls: SyntaxNode,
  migration: Migration,
  coverage: Coverage,
  readFile: ReadFile,
): void {
  const project = projectFor(readFile, replayDjango);
  const info = { ...migrationInfo(unit.path, file, scope, cls), customFields: project.customFields };
  project.register(info, file.text);
  const state = new Map(project.stateBefore(info, file.text));
  // From here, the field modules this migration's own lowering reads (its ancestors' are theirs).
  project.customFields.touched.clear();

  migration.format = 'django';
  const m = /^(\d+)_(.+)$/.exec(info.name);
  migration.version = m ? m[1] : unit.version;
  migration.name = m ? m[2] : info.name;
  const id = (pair: [string, string]) => `${pair[0]}.${pair[1]}`;
  const graph: NonNullable<Migration['graph']> & { replaces?: string[] } = {
    id: id([info.app, info.name]),
    parents: info.dependencies.map(id),
  };
  if (info.replaces.length) graph.replaces = info.replaces.map(id);
  if (info.runBefore.length) graph.runBefore = info.runBefore.map(id);
  migration.graph = graph;

  // Both halves come from the same operations: a call not lowered says which half it is in.
  const up = new SectionBuilder(file, coverage, migration.comments, 'up');
  const down = new SectionBuilder(file, coverage, migration.comments, 'down');
  const emit: Emit = { up, down, reverse: [], irreversible: [] };
  if (info.operations === undefined) {
    up.unanalysed(info.operationsNode ?? cls, 'operations is not a list migratelint can read');
  }
  runOperations(info, state, emit, info.operations ?? []);
  for (const thunk of emit.reverse.reverse()) thunk();
  // A cached result holds while the migrations replayed and the field modules read (by it or by them) are unchanged.
  migration.inputs = [...new Set([...project.ancestorFiles(info), ...project.customFields.touched])].sort();

  const nameNode = cls.getChild('VariableName') ?? cls;
  const range = file.range(nameNode.from, nameNode.to);
  const ops = info.operations ?? [];
  migration.up = {
    state: ops.length || info.operations === undefined ? 'present' : 'empty',
    statements: up.statements,
    file: file.file,
    range,
    transaction: up.transaction(info.atomic),
  };
  const irreversible = emit.irreversible[0];
  migration.down = irreversible
    ? {
        state: 'irreversible',
        statements: [],
        file: file.file,
        range: file.range(irreversible.node.from, irreversible.node.from),
        reason: emit.irreversible.map((i) => `${i.reason} (line ${file.position(i.node.from).line})`).join('; '),
        transaction: info.atomic,
      }
    : {
        // The reverses the author wrote (RunSQL, RunPython) and those Django computes for schema operations (derived SQL).
        state: 'present',
        statements: down.statements,
        file: file.file,
        range,
        transaction: down.transaction(info.atomic),
      };
}
