import type { PlannedMigration } from '../../plan/plan.js';
import { formatCommandLine } from './argv.js';
import type { FrameworkRunner, StepContext } from './types.js';
import { shown } from './shared.js';

/** The full argument list of one step: the command, then the runner's arguments for `m`. */
export function stepArgv(
  runner: FrameworkRunner,
  command: readonly string[],
  m: PlannedMigration,
  direction: 'up' | 'down',
  plan: readonly PlannedMigration[],
  at: StepContext,
): string[] {
  return [...command, ...(direction === 'up' ? runner.upArgs(m, plan, at) : runner.downArgs(m, plan, at))];
}

/** A step's command line as the user can read and re-run it (absolute paths inside the project shortened). */
export function describeStep(argv: readonly string[], at: StepContext): string {
  return `${formatCommandLine(argv.map((a, i) => (i === 0 ? shown(a, at.workdir) : a)))}${at.workdir !== at.cwd ? ` (in ${shown(at.workdir, at.cwd)})` : ''}`;
}
