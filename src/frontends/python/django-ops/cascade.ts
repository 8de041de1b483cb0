/**
 * Django's schema editor ends every DROP it runs for RemoveField and DeleteModel with
 * CASCADE (`sql_delete_column`, `sql_delete_table`), and the lowering prints it: without
 * it the trial fails where Django does not (saleor drops a table another app's foreign
 * key still points at). The author cannot take it out, so a finding on it alone is noise;
 * it matters when something still depends on what is dropped, and the replayed project
 * state can say when a foreign key of another model does. So the statements are marked
 * as carrying the framework's CASCADE (`SqlChunk.frameworkCascade`, which
 * `no-drop-cascade` leaves alone) unless the state shows such a dependent. Views and other
 * objects created by RunSQL are not in the state, so they are not seen here.
 */
import { fkTarget, type ModelLookup } from '../django-fields.js';
import type { DjState } from '../django-state.js';

/** `shop_order.customer_id`: one foreign key that references the dropped object. */
export type Dependent = string;

/** Foreign keys of other models (and auto-created many-to-many tables) that reference the model `key`. */
export function dependentsOfModel(state: DjState, key: string): Dependent[] {
  const out: Dependent[] = [];
  for (const model of state.values()) {
    // The model's own foreign keys and its auto-created m2m tables go with it: Django drops those itself.
    if (model.key === key) continue;
    for (const f of model.fields.values()) {
      if (f.fk?.dbConstraint && f.fk.to === key) out.push(`${model.table}.${f.column}`);
      if (f.m2m && !f.m2m.through && f.m2m.to === key) out.push(`${model.table}.${f.name} (many-to-many table)`);
    }
  }
  return out;
}

/**
 * Foreign keys that reference column `column` of the model `key` (their `to_field`, or
 * the primary key by default), other than the field `dropped` itself.
 */
export function dependentsOfColumn(state: DjState, lookup: ModelLookup, key: string, column: string, dropped: string): Dependent[] {
  const out: Dependent[] = [];
  for (const model of state.values()) {
    for (const f of model.fields.values()) {
      if (!f.fk?.dbConstraint || f.fk.to !== key) continue;
      if (model.key === key && f.name === dropped) continue;
      if (fkTarget(f, lookup).column === column) out.push(`${model.table}.${f.column}`);
    }
  }
  return out;
}

/** Whether a DROP's CASCADE is Django's alone: nothing is known to depend on what it drops (see above). */
export function cascadeIsFrameworks(dependents: Dependent[]): boolean {
  return dependents.length === 0;
}
