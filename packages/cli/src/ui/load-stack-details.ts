import { resolve } from 'node:path';
import { groupRepeatedDecisions, isRemoteRepoUrl, isStackfleetError, repoCheckoutDir, resolveStack, type PolicyDecisionRecord, type PolicyDecisionView, type Store } from '@stackfleet/core';
import type { StackDetails, StackSetting } from '@stackfleet/tui';
import type { Fleet } from '../manifest/read-manifest.js';

/**
 * The details screen: stored outputs (sensitive masked), the resolved
 * settings with the layer each came from, the last runs, and the policy
 * decisions of the last one (stored masked).
 */
export async function loadStackDetails(fleet: Fleet, store: Store, name: string, env: Record<string, string | undefined>): Promise<StackDetails> {
  const { manifest } = fleet.loaded;
  const stored = await store.getOutputs(name).catch(() => undefined);
  const outputs = Object.entries(stored?.outputs ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, output]) => ({ name: key, value: output.sensitive ? '***' : display(output.value), sensitive: output.sensitive }));

  const upstream = new Map<string, Record<string, unknown>>();
  const sensitiveValues = new Set<string>();
  for (const dependency of fleet.graph.dependenciesOf(name)) {
    const values = (await store.getOutputs(dependency).catch(() => undefined))?.outputs;
    if (!values) continue;
    upstream.set(dependency, Object.fromEntries(Object.entries(values).map(([key, output]) => [key, output.value])));
    for (const output of Object.values(values)) if (output.sensitive) sensitiveValues.add(display(output.value));
  }
  const settings: StackSetting[] = [];
  try {
    // A remote repo's stacks live in its one working directory; nothing is checked out to show details.
    const repoDirs = Object.fromEntries(
      Object.values(manifest.repos).map((repo) => [
        repo.name,
        isRemoteRepoUrl(repo.url) ? repoCheckoutDir(fleet.stateDir, repo.name) : resolve(fleet.manifestDir, repo.url),
      ]),
    );
    const resolved = resolveStack(manifest, name, { manifestDir: fleet.manifestDir, repoDirs, env, outputs: (stack) => upstream.get(stack) });
    for (const [key, value] of Object.entries(resolved.env).sort()) {
      settings.push({ key: `env.${key}`, value: sensitiveValues.has(value) ? '***' : value, source: resolved.provenance[`env.${key}`] ?? 'stack' });
    }
    for (const [key, source] of Object.entries(resolved.secrets).sort()) {
      settings.push({ key: `secrets.${key}`, value: `*** (${describeSecret(source)})`, source: resolved.provenance[`secrets.${key}`] ?? 'stack' });
    }
    for (const key of Object.keys(resolved.files).sort()) {
      settings.push({ key: `files.${key}`, value: 'written for the run', source: resolved.provenance[`files.${key}`] ?? 'stack' });
    }
  } catch (error) {
    settings.push({ key: 'error', value: isStackfleetError(error) ? error.message : String(error), source: 'resolution' });
  }
  const history = (await store.listStackHistory(name, 10)).map((row) => ({
    runId: row.runId,
    at: row.finishedAt ?? row.startedAt ?? '',
    status: row.state,
    ...(row.durationMs === undefined ? {} : { durationMs: row.durationMs }),
  }));
  const lastRun = history[0]?.runId;
  if (lastRun === undefined) return { outputs, settings, history };
  const decisions = (await store.listPolicyDecisions(lastRun)).filter((decision) => decision.stack === name || decision.stack === null);
  if (decisions.length === 0) return { outputs, settings, history };
  const lastRunPolicies = {
    runId: lastRun,
    decisions: groupRepeatedDecisions(decisions).map(({ decision, count }) => ({ decision: toDecisionView(decision), count })),
  };
  return { outputs, settings, history, lastRunPolicies };
}

/** The decision without its run's bookkeeping (`runId`, `at`): what the screen shows. */
function toDecisionView(record: PolicyDecisionRecord): PolicyDecisionView & { stack: string | null } {
  const { policy, rule, effect, message, approvedBy, stack } = record;
  return { stack, policy, rule, effect, message, ...(approvedBy === undefined ? {} : { approvedBy }) };
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeSecret(source: object): string {
  const [kind, value] = Object.entries(source as Record<string, unknown>)[0] ?? ['?', '?'];
  return `${kind} ${String(value)}`;
}
