import { StackfleetError, type PolicyGate, type Store } from '@stackfleet/core';
import type { RemoteRunPayload } from '@stackfleet/runner';
import type { Fleet } from '../manifest/read-manifest.js';
import { createPolicyGate, type PolicyRunType } from './create-policy-gate.js';
import { readManifestPolicies } from './read-policies.js';

/**
 * The gate a worker asks between a stack's plan and its apply: the policies
 * the manifest names at the run's commit (read there, so every worker judges
 * with the same files), with the actor and run type of whoever queued the
 * run. Undefined without policies. Throws (the worker refuses the stack, so
 * it fails) when a policy does not parse or the payload does not say who
 * queued the run: policies fail closed.
 */
export function createWorkerPolicyGate(fleet: Fleet, store: Store, payload: RemoteRunPayload, env: Record<string, string | undefined>): PolicyGate | undefined {
  if (fleet.loaded.manifest.policies.length === 0 || payload.command === 'run') return undefined;
  if (payload.policy === undefined) {
    throw new StackfleetError('E_REMOTE_PAYLOAD', 'the manifest at the run\'s commit names policies, but the queued run does not say who started it', {
      hint: 'queue the run with the same stackfleet version as the workers',
    });
  }
  // `plan --destroy --remote` is judged as the destroy it previews, a proposal (as on the queuing machine: `previewDestroy`).
  const destroyPreview = payload.command === 'plan' && payload.planDestroy === true;
  const runType = payload.policy.runType ?? (destroyPreview ? 'proposed' : undefined);
  return createPolicyGate({
    fleet,
    policies: readManifestPolicies(fleet, fleet.manifestDir),
    store,
    command: destroyPreview ? 'destroy' : payload.command,
    ...(runType === undefined ? {} : { runType: runType as PolicyRunType }),
    // The queuing actor, never the worker's own: STACKFLEET_ACTOR wins over every other source.
    env: { ...env, STACKFLEET_ACTOR: payload.policy.actor },
    git: { ...(payload.repoShas[''] ? { commit: payload.repoShas[''] } : {}) },
  });
}
