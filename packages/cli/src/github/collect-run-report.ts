import type { Manifest, RunCommand, RunEvent, StepName } from '@stackfleet/core';
import type { ReportDecision, ReportStack, RunReport } from '@stackfleet/github';
import type { RunReporter } from '@stackfleet/runner';

/** A policy decision as a run event may carry it (issue #13's `policy.evaluated`); read loosely until it lands. */
interface DecisionEventShape {
  type: string;
  stack?: string;
  decisions?: Array<{ effect?: string; policy?: string; rule?: string; message?: string; approvedBy?: string[] }>;
  effect?: string;
  policy?: string;
  rule?: string;
  message?: string;
  approvedBy?: string[];
}

export interface RunReportCollector extends RunReporter {
  /** The report so far (complete after `run.finished`); `null` before the run started. */
  readonly report: () => RunReport | null;
  /** The run masker's `mask` (identity until the run hands it over), for text sent to GitHub. */
  readonly mask: (text: string) => string;
}

const EFFECTS = new Set(['deny', 'warn', 'require_approval']);

/**
 * Listens to a run and builds the report GitHub is shown: each stack's
 * status, changes, reason, policy decisions, and the lines it printed while
 * planning (terraform's own rendering of the plan). Events arrive masked; the
 * run's masker is kept too, so every body built from the report is masked
 * once more on its way out.
 */
export function collectRunReport(options: { manifest: Manifest; manifestPath: string; sha: string; runUrl?: string }): RunReportCollector {
  let runMask: (text: string) => string = (text) => text;
  let report: RunReport | null = null;
  let runDecisions: ReportDecision[] | undefined;
  const stacks = new Map<string, ReportStack>();
  const steps = new Map<string, StepName>();
  const planLines = new Map<string, string[]>();
  const reportCommand = (command: RunCommand): RunReport['command'] => (command === 'run' ? 'apply' : command);

  const stackOf = (name: string): ReportStack => {
    let stack = stacks.get(name);
    if (!stack) {
      stack = { name, repo: options.manifest.stacks[name]?.repo ?? '', status: 'pending' };
      stacks.set(name, stack);
    }
    return stack;
  };

  const onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'run.started':
        report = {
          command: reportCommand(event.command),
          runId: event.runId,
          manifestPath: options.manifestPath,
          sha: options.sha,
          stacks: [],
          ...(options.runUrl ? { runUrl: options.runUrl } : {}),
        };
        for (const name of event.stacks) stackOf(name);
        break;
      case 'stack.step':
        steps.set(event.stack, event.step);
        break;
      case 'stack.log':
        // The plan step's output is what a reviewer reads (terraform's text rendering).
        if (steps.get(event.stack) === 'plan') planLines.set(event.stack, [...(planLines.get(event.stack) ?? []), event.line]);
        break;
      case 'stack.planned':
        if (event.changes) stackOf(event.stack).changes = event.changes;
        break;
      case 'stack.finished': {
        const stack = stackOf(event.stack);
        stack.status = event.status;
        if (event.reason) stack.reason = event.reason;
        if (event.changes) stack.changes = event.changes;
        break;
      }
      default:
        readDecisions(event);
    }
  };

  const readDecisions = (event: DecisionEventShape): void => {
    if (event.type !== 'policy.evaluated') return;
    // One decision per event (core's PolicyEvaluatedEvent), or a list of them.
    const given = Array.isArray(event.decisions) ? event.decisions : [event];
    const decisions: ReportDecision[] = given
      .filter((decision) => EFFECTS.has(decision.effect ?? ''))
      .map((decision) => ({
        effect: decision.effect as ReportDecision['effect'],
        rule: decision.rule ?? '',
        message: decision.message ?? '',
        ...(decision.policy ? { policy: decision.policy } : {}),
        ...(Array.isArray(decision.approvedBy) ? { approvedBy: decision.approvedBy } : {}),
      }));
    if (decisions.length === 0) return;
    // Without a stack it is about the whole run (run or access policies).
    if (!event.stack) runDecisions = mergeDecisions(runDecisions, decisions);
    else stackOf(event.stack).decisions = mergeDecisions(stackOf(event.stack).decisions, decisions);
  };

  return {
    onEvent,
    useMasker(mask) {
      runMask = mask;
    },
    mask: (text) => runMask(text),
    report: () => {
      if (!report) return null;
      const current: RunReport = report;
      return {
        ...current,
        ...(runDecisions ? { runDecisions } : {}),
        stacks: [...stacks.values()].map((stack) => {
          const lines = planLines.get(stack.name);
          return lines && lines.length > 0 ? { ...stack, planText: lines.join('\n') } : { ...stack };
        }),
      };
    },
  };
}

/**
 * An apply judged by policies is two runs (plan every stack, then apply the
 * saved plans), and the second judges each stack again: the same decision is
 * shown once, its latest form kept (an approval may have satisfied it since).
 */
function mergeDecisions(earlier: ReportDecision[] | undefined, later: ReportDecision[]): ReportDecision[] {
  const keyOf = (decision: ReportDecision): string => JSON.stringify([decision.policy ?? '', decision.rule, decision.effect, decision.message]);
  const merged = new Map((earlier ?? []).map((decision) => [keyOf(decision), decision]));
  for (const decision of later) merged.set(keyOf(decision), decision);
  return [...merged.values()];
}
