import type { ChangeSummary } from '../model.js';
import { formatChangeCounts } from '../text/format-changes.js';
import type { SavedPlanRecord } from '../store.js';

/** Labels of inputs that come from an upstream's outputs (`outputs of network`): they call for a re-plan, not a refusal. */
export const UPSTREAM_INPUT_PREFIX = 'outputs of ';

/** How a stack's inputs now differ from what its saved plan was made from. */
export interface SavedPlanDifferences {
  /** Files, repo sha or resolved inputs that changed: the plan is stale. Labels, sorted, e.g. `stack file main.tf`. */
  stale: string[];
  /** Upstreams whose outputs differ from the ones planned with (old or mock values): re-plan. Sorted. */
  upstreams: string[];
}

/**
 * Compares a saved plan's fingerprint with the stack's fingerprint now (both
 * made with the record's salt). Pure: the caller computes `current`.
 */
export function compareSavedPlan(
  saved: Pick<SavedPlanRecord, 'digests' | 'repo' | 'repoSha'>,
  current: { digests: Record<string, string>; repoSha: string },
): SavedPlanDifferences {
  const stale: string[] = [];
  const upstreams: string[] = [];
  const labels = new Set([...Object.keys(saved.digests), ...Object.keys(current.digests)]);
  for (const label of labels) {
    if (saved.digests[label] === current.digests[label]) continue;
    if (label.startsWith(UPSTREAM_INPUT_PREFIX)) upstreams.push(label.slice(UPSTREAM_INPUT_PREFIX.length));
    else stale.push(describeChange(label, saved.digests[label], current.digests[label]));
  }
  if (saved.repoSha !== current.repoSha) {
    stale.push(`repo ${saved.repo === '' ? '(the manifest\'s)' : saved.repo} sha ${short(saved.repoSha)} -> ${short(current.repoSha)}`);
  }
  return { stale: stale.sort(), upstreams: upstreams.sort() };
}

function describeChange(label: string, before: string | undefined, after: string | undefined): string {
  if (before === undefined) return `${label} (added)`;
  if (after === undefined) return `${label} (removed)`;
  return label;
}

function short(sha: string): string {
  return sha === '' ? '(none)' : sha.slice(0, 12);
}

/**
 * Whether a fresh plan does what the saved one did: the same counts and the
 * same action on the same resource addresses. Attribute values are not
 * compared (a re-plan after a mock was replaced by the real value is
 * expected to carry that value); what an approver saw, the table of actions, is.
 */
export function isSamePlan(
  saved: { hasChanges: boolean; changes?: ChangeSummary | undefined },
  fresh: { hasChanges: boolean; changes?: ChangeSummary | undefined },
): boolean {
  if (saved.hasChanges !== fresh.hasChanges) return false;
  const a = saved.changes;
  const b = fresh.changes;
  if (a === undefined || b === undefined) return a === b || !saved.hasChanges;
  if (a.create !== b.create || a.update !== b.update || a.delete !== b.delete || a.replace !== b.replace) return false;
  const actions = (changes: ChangeSummary) =>
    (changes.resources ?? []).map((resource) => `${resource.action} ${resource.address}`).sort().join('\n');
  return actions(a) === actions(b);
}

/** A saved plan older than the retention age (`settings.retention.age`, default 7 days) is not applied. */
export function isSavedPlanExpired(record: Pick<SavedPlanRecord, 'createdAt'>, now: Date, maxAgeMs: number): boolean {
  return now.getTime() - Date.parse(record.createdAt) > maxAgeMs;
}

/** `+1 ~2`, `no changes`, or `changes` (a command stack's plan says only that): one plan, in one word or a few. */
export function describePlanChanges(plan: { hasChanges: boolean; changes?: ChangeSummary | undefined }): string {
  if (!plan.hasChanges) return 'no changes';
  return formatChangeCounts(plan.changes) || 'changes';
}
