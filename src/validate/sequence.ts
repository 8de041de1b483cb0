import path from 'node:path';
import type { Finding, Migration, Range } from '../ir/types.js';
import { compareVersions } from '../plan/versions.js';
import { groupByFolder, isRepeatable } from './groups.js';
import { FORMATS, isSqlFormat } from '../formats/index.js';
import { migrationId } from '../plan/plan.js';
import { ancestors, findCycle } from '../plan/graph.js';
import { errorCount, migrationLabel, plural, FILE_START, type CheckResult } from './types.js';

/**
 * Check 2, the sequence. Per migrations folder:
 *
 * - versioned formats: every migration has a version the format accepts, versions are
 *   unique, and the tool's own order (text order for tools that sort file names) agrees
 *   with the numeric order. Gaps are not reported: no supported format forbids them
 *   (golang-migrate, goose, Flyway, dbmate and diesel all accept any increasing sequence).
 * - Alembic: the down_revision graph has one head (or the merge that is needed is named),
 *   no cycle, and every down_revision / depends_on names a revision in the folder.
 * - Django: per app, one leaf migration (or the merge is named), no cycle, and every
 *   dependency on an app whose migrations were linted names one of them. Dependencies on
 *   other apps (django.contrib, third-party packages) are not checked.
 * - With the target's history (--db): a pending migration older than one already applied
 *   (non-linear history) is an error.
 */

/** What the target database says is applied, keyed by the executor's migration id. */
export interface AppliedView {
  target: string;
  applied: ReadonlySet<string>;
}


/** Whether the tool keys its history by version: two files with one version cannot both be applied. */
const versionKeyed = (m: Migration) => isSqlFormat(m.format) && FORMATS[m.format].versionKeyed;

/** Whether the tool orders migrations by sorting file (or folder) names as text. */
const textOrdered = (m: Migration) => isSqlFormat(m.format) && FORMATS[m.format].order === 'name';

const byGraph = (m: Migration) => FORMATS[m.format].order === 'graph';

export function sequenceCheck(migrations: readonly Migration[], applied?: AppliedView): CheckResult {
  const findings: Finding[] = [];
  const groups = groupByFolder(migrations.filter((m) => !isRepeatable(m)));
  let graphs = 0;
  for (const [folder, list] of groups) {
    const alembic = list.filter((m) => m.format === 'alembic');
    const django = list.filter((m) => m.format === 'django');
    const linear = list.filter((m) => !byGraph(m));
    if (alembic.length) {
      graphs++;
      checkAlembic(folder, alembic, findings, applied);
    }
    if (django.length) graphs++;
    if (linear.length) checkLinear(folder, linear, findings, applied);
  }
  // Django dependencies cross folders (one folder per app): checked over the whole set.
  const django = migrations.filter((m) => m.format === 'django');
  if (django.length) checkDjango(django, findings, applied);

  const errors = errorCount(findings);
  const folders = groups.size;
  const what = `${plural(migrations.length, 'migration')} in ${plural(folders, 'folder')}`;
  return {
    id: 'sequence',
    status: errors ? 'failed' : 'passed',
    summary: errors
      ? `${what}: ${plural(errors, 'error')}`
      : `${what}: versions unique and ordered${graphs ? ', revision graphs have one head' : ''}${applied ? `, no pending migration older than an applied one on ${applied.target}` : ''}`,
    findings,
  };
}

function where(m: Migration): { file: string; range: Range } {
  return { file: m.path, range: m.up.range ?? FILE_START };
}

function checkLinear(folder: string, list: Migration[], findings: Finding[], applied?: AppliedView): void {
  const code = (m: Migration) => !versionKeyed(m) && !textOrdered(m);
  // Versions the format can read.
  for (const m of list) {
    if (m.version === undefined) {
      if (code(m)) continue;
      findings.push({
        ruleId: 'validate/sequence-missing-version',
        severity: m.format === 'sql' ? 'warn' : 'error',
        message: `${path.basename(m.path)} has no version: ${m.format === 'sql' ? 'its place in the order depends on the tool' : `${m.format} needs a numeric version prefix`}`,
        ...where(m),
        hint: 'prefix the file name with a version (e.g. a timestamp) newer than the newest migration',
      });
    } else if ((m.format === 'golang-migrate' || m.format === 'goose' || m.format === 'dbmate') && !/^\d+$/.test(m.version)) {
      findings.push({
        ruleId: 'validate/sequence-bad-version',
        severity: 'error',
        message: `version ${m.version} of ${migrationLabel(m)} is not a whole number, which ${m.format} needs`,
        ...where(m),
      });
    }
  }

  const versioned = list.filter((m) => m.version !== undefined);
  // Duplicates: equal as numbers (001 and 1 are the same version to every tool that parses them).
  for (let i = 0; i < versioned.length; ) {
    let j = i + 1;
    while (j < versioned.length && compareVersions(versioned[i].version!, versioned[j].version!) === 0) j++;
    if (j - i > 1) {
      const same = versioned.slice(i, j).sort((a, b) => (a.path < b.path ? -1 : 1));
      const keyed = same.some(versionKeyed);
      const names = same.map(migrationLabel);
      const last = same[same.length - 1];
      findings.push({
        ruleId: 'validate/sequence-duplicate-version',
        severity: keyed ? 'error' : 'warn',
        message: `version ${same[0].version} is used by ${same.length} migrations in ${folder}: ${names.join(', ')}`,
        ...where(last),
        details: [{ label: 'files', lines: same.flatMap((m) => m.files) }],
        hint: keyed
          ? `give ${names.slice(1).join(', ')} a new version newer than the newest migration (${last.format} keys its history by version: only one of them can ever be applied)`
          : 'give one of them a newer version: their order is only decided by their names',
      });
    }
    i = j;
  }

  // The tool's order: text order of the versions, where the tool sorts names as text.
  const textual = versioned.filter(textOrdered);
  const byText = [...textual].sort((a, b) => (a.version! < b.version! ? -1 : a.version! > b.version! ? 1 : 0));
  for (let k = 1; k < byText.length; k++) {
    const a = byText[k - 1];
    const b = byText[k];
    if (compareVersions(a.version!, b.version!) > 0) {
      findings.push({
        ruleId: 'validate/sequence-order-ambiguous',
        severity: 'warn',
        message: `versions ${a.version} and ${b.version} sort one way as text and the other as numbers: ${a.format} applies ${migrationLabel(a)} first`,
        ...where(a),
        hint: 'pad versions to the same width (or use timestamps) so text and numeric order agree',
      });
      break;
    }
  }

  // Non-linear history against the target.
  if (applied) {
    const appliedHere = versioned.filter((m) => applied.applied.has(migrationId(m)));
    if (appliedHere.length) {
      const newest = appliedHere.reduce((a, b) => (compareVersions(a.version!, b.version!) >= 0 ? a : b));
      for (const m of versioned) {
        if (applied.applied.has(migrationId(m))) continue;
        if (compareVersions(m.version!, newest.version!) >= 0) continue;
        findings.push({
          ruleId: 'validate/sequence-out-of-order',
          severity: 'error',
          message: `${migrationLabel(m)} is not applied on ${applied.target} but is older than ${migrationLabel(newest)}, which is: a deploy would apply it out of order`,
          ...where(m),
          hint: `${FORMATS[m.format].outOfOrder ?? 'the tool may skip it or refuse'}; give it a version newer than ${newest.version}`,
        });
      }
    }
  }
}

interface Node {
  id: string;
  m: Migration;
  parents: string[];
}

function checkAlembic(folder: string, list: Migration[], findings: Finding[], applied?: AppliedView): void {
  const nodes = new Map<string, Node>();
  for (const m of list) {
    if (!m.graph) {
      findings.push({
        ruleId: 'validate/sequence-missing-version',
        severity: 'error',
        message: `${path.basename(m.path)} has no revision id migratelint can read (revision = '...')`,
        ...where(m),
      });
      continue;
    }
    const other = nodes.get(m.graph.id);
    if (other) {
      findings.push({
        ruleId: 'validate/sequence-duplicate-version',
        severity: 'error',
        message: `revision ${m.graph.id} is declared by two files: ${path.basename(other.m.path)} and ${path.basename(m.path)}`,
        ...where(m),
        details: [{ label: 'files', lines: [other.m.path, m.path] }],
        hint: 'give one of them a new revision id (alembic revision generates one)',
      });
      continue;
    }
    nodes.set(m.graph.id, { id: m.graph.id, m, parents: m.graph.parents });
  }

  for (const n of nodes.values()) {
    for (const p of n.parents) {
      if (nodes.has(p)) continue;
      findings.push({
        ruleId: 'validate/sequence-unknown-parent',
        severity: 'error',
        message: `down_revision ${p} of ${n.id} (${path.basename(n.m.path)}) is not a revision in ${folder}`,
        ...where(n.m),
        hint: 'the parent revision file is missing or was renamed; restore it or point down_revision at the right revision',
      });
    }
    for (const d of n.m.graph?.dependsOn ?? []) {
      if (nodes.has(d) || [...nodes.values()].some((x) => x.m.graph?.labels?.includes(d))) continue;
      findings.push({
        ruleId: 'validate/sequence-unknown-parent',
        severity: 'error',
        message: `depends_on ${d} of ${n.id} (${path.basename(n.m.path)}) is not a revision or branch label in ${folder}`,
        ...where(n.m),
      });
    }
  }

  const cycle = findCycle(nodes);
  if (cycle) {
    const first = nodes.get(cycle[0])!;
    findings.push({
      ruleId: 'validate/sequence-cycle',
      severity: 'error',
      message: `revisions in ${folder} form a cycle: ${cycle.join(' -> ')}`,
      ...where(first.m),
      hint: 'one of these down_revision values points at a later revision',
    });
    return; // heads and ancestry mean nothing in a cycle
  }

  const isParent = new Set([...nodes.values()].flatMap((n) => n.parents));
  const heads = [...nodes.values()].filter((n) => !isParent.has(n.id)).sort((a, b) => (a.m.path < b.m.path ? -1 : 1));
  if (heads.length > 1) {
    const labelled = heads.every((h) => h.m.graph?.labels?.length || [...ancestors(nodes, h.id)].some((a) => nodes.get(a)!.m.graph?.labels?.length));
    const names = heads.map((h) => `${h.id} (${path.basename(h.m.path)})`);
    const last = heads[heads.length - 1];
    findings.push({
      ruleId: 'validate/sequence-multiple-heads',
      severity: labelled ? 'warn' : 'error',
      message: labelled
        ? `${folder} has ${heads.length} heads on labelled branches: ${names.join(', ')}; "alembic upgrade head" fails, deploy with "alembic upgrade heads"`
        : `${folder} has ${heads.length} heads: ${names.join(', ')}; "alembic upgrade head" fails until they are merged`,
      ...where(last.m),
      details: [{ label: 'heads', lines: heads.map((h) => `${h.id}  ${h.m.path}  (from ${h.parents.join(', ') || 'base'})`) }],
      hint: `alembic merge -m "merge heads" ${heads.map((h) => h.id).join(' ')}`,
    });
  }

  if (applied) {
    for (const n of nodes.values()) {
      if (applied.applied.has(n.id)) continue;
      const appliedChild = [...nodes.values()].find((c) => applied.applied.has(c.id) && ancestors(nodes, c.id).has(n.id));
      if (!appliedChild) continue;
      findings.push({
        ruleId: 'validate/sequence-out-of-order',
        severity: 'error',
        message: `${n.id} (${path.basename(n.m.path)}) is not applied on ${applied.target}, but ${appliedChild.id}, which revises it, is`,
        ...where(n.m),
        hint: FORMATS.alembic.outOfOrder,
      });
    }
  }
}

function checkDjango(list: Migration[], findings: Finding[], applied?: AppliedView): void {
  const nodes = new Map<string, Node>();
  const apps = new Set<string>();
  for (const m of list) {
    if (!m.graph) continue;
    nodes.set(m.graph.id, { id: m.graph.id, m, parents: [...m.graph.parents] });
    apps.add(m.graph.id.slice(0, m.graph.id.indexOf('.')));
  }
  // A squashed migration stands in for the ones it replaces.
  const replacedBy = new Map<string, string>();
  for (const n of nodes.values()) for (const r of n.m.graph?.replaces ?? []) replacedBy.set(r, n.id);

  const appOf = (id: string) => id.slice(0, id.indexOf('.'));
  const resolve = (dep: string): string | undefined | null => {
    const app = appOf(dep);
    const name = dep.slice(app.length + 1);
    if (!apps.has(app)) return null; // another app: not ours to check
    if (name === '__first__' || name === '__latest__') {
      const own = [...nodes.values()].filter((n) => appOf(n.id) === app).sort((a, b) => (a.id < b.id ? -1 : 1));
      return name === '__first__' ? own[0]?.id : own[own.length - 1]?.id;
    }
    if (nodes.has(dep)) return dep;
    return replacedBy.get(dep);
  };

  for (const n of nodes.values()) {
    const resolved: string[] = [];
    for (const dep of n.parents) {
      const r = resolve(dep);
      if (r === null) continue;
      if (r === undefined) {
        findings.push({
          ruleId: 'validate/sequence-unknown-parent',
          severity: 'error',
          message: `${n.id} depends on ${dep}, which is not a migration of app ${appOf(dep)}`,
          ...where(n.m),
          hint: 'the dependency was renamed, squashed without "replaces", or deleted',
        });
        continue;
      }
      if (r !== n.id) resolved.push(r);
    }
    n.parents = resolved;
  }
  // Replaced migrations still on disk fold into their squash.
  for (const [old, squash] of replacedBy) {
    if (!nodes.has(old)) continue;
    nodes.delete(old);
    for (const n of nodes.values()) n.parents = [...new Set(n.parents.map((p) => (p === old ? squash : p)))].filter((p) => p !== n.id);
  }

  const cycle = findCycle(nodes);
  if (cycle) {
    findings.push({
      ruleId: 'validate/sequence-cycle',
      severity: 'error',
      message: `migrations depend on each other in a cycle: ${cycle.join(' -> ')}`,
      ...where(nodes.get(cycle[0])!.m),
    });
    return;
  }

  for (const app of [...apps].sort()) {
    const own = [...nodes.values()].filter((n) => appOf(n.id) === app);
    const isParent = new Set(own.flatMap((n) => n.parents));
    const leaves = own.filter((n) => !isParent.has(n.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (leaves.length > 1) {
      const last = leaves[leaves.length - 1];
      findings.push({
        ruleId: 'validate/sequence-multiple-heads',
        severity: 'error',
        message: `app ${app} has ${leaves.length} leaf migrations: ${leaves.map((l) => l.id.slice(app.length + 1)).join(', ')}; Django refuses to migrate until they are merged`,
        ...where(last.m),
        details: [{ label: 'leaves', lines: leaves.map((l) => `${l.id}  ${l.m.path}`) }],
        hint: `python manage.py makemigrations --merge ${app}`,
      });
    }
  }

  if (applied) {
    for (const n of nodes.values()) {
      if (applied.applied.has(migrationId(n.m)) || applied.applied.has(n.id)) continue;
      const child = [...nodes.values()].find((c) => (applied.applied.has(migrationId(c.m)) || applied.applied.has(c.id)) && ancestors(nodes, c.id).has(n.id));
      if (!child) continue;
      findings.push({
        ruleId: 'validate/sequence-out-of-order',
        severity: 'error',
        message: `${n.id} is not applied on ${applied.target}, but ${child.id}, which depends on it, is`,
        ...where(n.m),
        hint: FORMATS.django.outOfOrder,
      });
    }
  }
}

