import { StackfleetError, type RunRecord } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { readSavedRun } from '../commands/saved-plans.js';

/** The pull request a comment command is about: its number and head commit. */
export interface PullHead {
  number: number;
  headSha: string;
}

/** The saved plan run `/stackfleet apply` applies (and which of its stacks), or why there is none. */
export type PullSavedPlan = { runId: string; stacks: string[] } | { refusal: string };

/** How many recent runs are searched for the PR's plan: other PRs' plans and applies interleave. */
const RECENT_RUNS = 500;

/**
 * Finds the PR's latest saved plan (`plan --github` records the PR and its
 * head in the run's selection) and checks, before anything runs, that it can
 * be applied as reviewed: planned at the PR's current head, complete, not
 * applied yet, not expired. Every refusal asks for a new `/stackfleet plan`.
 */
export async function findPullSavedPlan(context: CommandContext, fleet: Fleet, pull: PullHead, stacks: string[]): Promise<PullSavedPlan> {
  const store = openStore(fleet, context.io.env);
  let runs: RunRecord[];
  try {
    runs = await store.listRuns({ limit: RECENT_RUNS });
  } finally {
    await store.close();
  }
  const chosen = choosePullPlanRun(runs, pull);
  if ('refusal' in chosen) return chosen;
  let planned: string[];
  try {
    planned = [...(await readSavedRun(context, fleet, chosen.runId)).plans.keys()];
  } catch (error) {
    if (!(error instanceof StackfleetError)) throw error;
    return { refusal: `${error.message}: ${PLAN_AGAIN}` };
  }
  const missing = stacks.filter((name) => !planned.includes(name));
  if (missing.length > 0) return { refusal: `run ${chosen.runId} saved no plan for ${missing.join(', ')}: ${PLAN_AGAIN}` };
  return { runId: chosen.runId, stacks };
}

const PLAN_AGAIN = 'comment `/stackfleet plan` to plan again, review it, then `/stackfleet apply`';

/**
 * Pure: the newest run (runs come newest first) that planned this PR with
 * saved plans, when it planned the PR's current head; a newer commit makes it
 * stale, and so does a plan of another commit (GitHub's test merge commit).
 */
export function choosePullPlanRun(runs: RunRecord[], pull: PullHead): { runId: string } | { refusal: string } {
  const run = runs.find((candidate) => candidate.command === 'plan' && candidate.selection.save === true && readPullNumber(candidate) === pull.number);
  if (!run) return { refusal: `no saved plan for pull request #${pull.number}: ${PLAN_AGAIN}` };
  const plannedHead = (run.selection.pullRequest as { headSha?: unknown }).headSha;
  if (plannedHead !== pull.headSha) {
    return { refusal: `stale: the latest plan of pull request #${pull.number} (run ${run.id}) is for commit ${String(plannedHead).slice(0, 7)}, the head is now ${pull.headSha.slice(0, 7)}: ${PLAN_AGAIN}` };
  }
  const checkedOut = run.repoShas[''];
  if (checkedOut && checkedOut !== pull.headSha) {
    return {
      refusal: `stale: run ${run.id} planned commit ${checkedOut.slice(0, 7)} (a merge commit?), not the head ${pull.headSha.slice(0, 7)}; plan the PR's head checkout (docs/ci.md): ${PLAN_AGAIN}`,
    };
  }
  if (run.status !== 'succeeded') {
    const ended = run.status === 'running' ? 'is still running' : `ended ${run.status}`;
    return { refusal: `run ${run.id}, the latest plan of pull request #${pull.number}, ${ended}: ${PLAN_AGAIN}` };
  }
  return { runId: run.id };
}

function readPullNumber(run: RunRecord): number | undefined {
  const pull = run.selection.pullRequest;
  return typeof pull === 'object' && pull !== null && typeof (pull as { number?: unknown }).number === 'number' ? (pull as { number: number }).number : undefined;
}
