import type { RunPlan } from '@stackfleet/core';
import type { ExecutedRun } from '@stackfleet/runner';
import type { ApplyFlow, ApplyReview, RunHandle } from '@stackfleet/tui';
import type { CommandContext } from '../command-context.js';
import type { RunFlags } from '../commands/execute-run.js';
import { applyApprovedPlans, planBeforeApplying, reviewPlanRun, type PlanReview } from '../commands/plan-then-apply.js';
import type { Fleet } from '../manifest/read-manifest.js';
import type { CallerPresentation } from '../output/choose-reporters.js';

/**
 * The fleet UI's apply (`A`, then `y`): the CLI's interactive `apply`
 * (plan-then-apply.ts) step by step, with the confirm screen as its prompt.
 * The plan run saves every plan and the policies judge it as an apply; a deny
 * of the whole run, a failed plan or no changes stop there (`stopped`); else
 * the screen shows what the policies wait for and the question, and `y`
 * counts as the actor's approval, as the prompt's "y" does, before exactly
 * the saved plans are applied (`--from-plan` of the plan run). The UI never
 * asks a second question: `context` must not be interactive, so a plan that
 * changed after its upstreams applied is refused (plan and apply again).
 */
export function startUiApply(
  context: CommandContext,
  fleet: Fleet,
  plan: RunPlan,
  stacks: string[],
  startUiRun: (run: (caller: CallerPresentation) => Promise<unknown>) => RunHandle,
): ApplyFlow {
  const flags: RunFlags = { stack: stacks };
  let preview: Promise<ExecutedRun> | undefined;
  const planRun = startUiRun((caller) => (preview = planBeforeApplying(context, fleet, flags, plan, { caller })));
  // startUiRun starts the run at once: `preview` is set here.
  const reviewed: Promise<PlanReview> = preview!.then((run) => reviewPlanRun(context, fleet, flags, 'apply', run));
  return {
    planRun,
    review: reviewed.then(describeReview, (error: unknown) => ({ lines: [], stopped: error instanceof Error ? error.message : String(error) })),
    apply: () =>
      startUiRun(async (caller) => {
        const review = await reviewed;
        // The screen takes `y` only with a question; anything else here is a bug, and nothing is applied.
        if (review.next !== 'ask') throw new Error('nothing to apply: the plan run asked no question');
        return applyApprovedPlans(context, fleet, flags, review, { caller });
      }),
  };
}

/** The confirm screen's account of a review: the prompt's lines and question, or why nothing is applied. */
export function describeReview(review: PlanReview): ApplyReview {
  switch (review.next) {
    case 'ask':
      return { lines: review.pending.lines, question: review.question };
    case 'refuse':
      return { lines: review.pending.lines, stopped: review.why };
    case 'stop':
    case 'done':
      return { lines: [], stopped: review.why };
    case 'apply':
      // Only --auto-approve or a destroy gets here; the UI's apply has neither: ask anyway.
      return { lines: [], question: 'Apply the saved plans?' };
  }
}
