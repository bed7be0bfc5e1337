import type { EngineRun } from './engine-run.js';
import type { StackOutcome } from './types.js';

/**
 * Spacelift's trigger semantics: a stack that is in an apply only as a
 * dependent, whose every in-run upstream left its outputs unchanged, has
 * nothing new to react to. Returns those upstreams, or undefined to run it.
 * `run.outputsChanged` holds what the upstreams' applies did: set by this
 * process's engine on a local run, read from the queue on a worker.
 */
function findUnchangedTrigger(run: EngineRun, name: string): string[] | undefined {
  const planned = run.planned.get(name);
  if (run.command !== 'apply' || run.options.allDependents || !planned?.onlyAsDependent || planned.needs.length === 0) return undefined;
  return planned.needs.every((upstream) => run.outputsChanged.get(upstream) === false) ? [...planned.needs] : undefined;
}

/** The outcome of a stack the trigger rule leaves alone (`unchanged`, nothing run), or undefined to run it. */
export function settleUnchangedTrigger(run: EngineRun, name: string): StackOutcome | undefined {
  const unchangedUpstreams = findUnchangedTrigger(run, name);
  if (unchangedUpstreams === undefined) return undefined;
  run.outputsChanged.set(name, false);
  return { status: 'unchanged', reason: `outputs of ${unchangedUpstreams.join(', ')} unchanged`, durationMs: 0 };
}
