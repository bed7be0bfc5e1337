import { StackfleetError } from '../errors.js';
import type { StackStatus } from '../events.js';
import type { StackGraph } from '../graph/types.js';
import type { Manifest } from '../model.js';
import { buildRunPlan, type BuildRunPlanOptions } from '../run-plan/build-run-plan.js';
import type { RunPlan } from '../run-plan/types.js';
import { isKeptOnResume } from '../run-state/stack-status.js';
import type { RunRecord, StackRunRecord } from '../store.js';

/** What the engine needs to continue a run instead of starting one. */
export interface ResumeState {
  runId: string;
  /** Stacks finished by an earlier attempt; never run again. */
  alreadyDone: Map<string, StackStatus>;
  /**
   * Stacks whose apply was in flight: a terraform apply may have finished
   * without its outputs being read, so they are read again if the plan is now empty.
   */
  refreshOutputs: Set<string>;
}

/** A stored run turned back into a plan: the same command over the same stacks. */
export interface ResumePlan {
  plan: RunPlan;
  /** The selection as the run recorded it (the CLI's flags). */
  selection: Record<string, unknown>;
  /** argv of `stackfleet run -- CMD...`, when the run was one. */
  runCommand?: string[];
  resume: ResumeState;
}

/**
 * Builds the plan that continues `run` from its stored stack records (after
 * crash recovery): the same command over the same stacks in today's
 * dependency order, with stacks that finished for good marked done.
 *
 * @throws StackfleetError `E_RESUME_MANIFEST` when a stack of the run left the manifest.
 */
export function buildResumePlan(
  graph: StackGraph,
  manifest: Manifest,
  run: RunRecord,
  stackRuns: readonly StackRunRecord[],
  options: Omit<BuildRunPlanOptions, 'command'>,
): ResumePlan {
  const missing = run.stacks.filter((name) => !manifest.stacks[name]);
  if (missing.length > 0) {
    throw new StackfleetError('E_RESUME_MANIFEST', `run ${run.id} includes stacks no longer in the manifest: ${missing.join(', ')}`, {
      hint: 'restore them, or start a new run',
    });
  }
  const alreadyDone = new Map<string, StackStatus>();
  for (const row of stackRuns) if (isKeptOnResume(row.state)) alreadyDone.set(row.stack, row.state);
  const stacks = graph.topologicalOrder(run.stacks);
  const plan = buildRunPlan(
    graph,
    { stacks, reasons: new Map(stacks.map((name) => [name, `resumed from run ${run.id}`])), onlyAsDependent: new Set() },
    { ...options, command: run.command },
  );
  const runCommand = readRunCommand(run.selection);
  return {
    plan,
    selection: run.selection,
    ...(runCommand ? { runCommand } : {}),
    resume: {
      runId: run.id,
      alreadyDone,
      refreshOutputs: new Set(stackRuns.filter((row) => row.state === 'applying').map((row) => row.stack)),
    },
  };
}

function readRunCommand(selection: Record<string, unknown>): string[] | undefined {
  const argv = selection.runCommand;
  return Array.isArray(argv) && argv.every((part) => typeof part === 'string') ? argv : undefined;
}
