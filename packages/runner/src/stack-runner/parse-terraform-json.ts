import { StackfleetError, type ChangeSummary, type Outputs } from '@stackfleet/core';

type Action = NonNullable<ChangeSummary['resources']>[number]['action'];

interface PlanJson {
  resource_changes?: { address?: string; change?: { actions?: string[] } }[];
}

/**
 * Counts resource changes in `terraform show -json <planfile>`. A delete plus
 * a create (either order) is a replace; `no-op` and `read` are not changes.
 * Output changes are not resource changes (the plan's exit code still says
 * the plan has changes).
 */
export function parsePlanChanges(stack: string, text: string): ChangeSummary {
  return countPlanChanges(parsePlanJson(stack, text));
}

/** `terraform show -json <planfile>` as data (it holds variables and sensitive values in clear: keep it in memory). */
export function parsePlanJson(stack: string, text: string): unknown {
  return parseJson(stack, 'show -json', text);
}

/** The change summary of a parsed plan (see parsePlanChanges). */
export function countPlanChanges(parsed: unknown): ChangeSummary {
  const plan = (parsed ?? {}) as PlanJson;
  const summary: ChangeSummary = { create: 0, update: 0, delete: 0, replace: 0, resources: [] };
  for (const change of plan.resource_changes ?? []) {
    const action = toAction(change.change?.actions ?? []);
    if (action === undefined) continue;
    summary[action] += 1;
    summary.resources?.push({ address: change.address ?? '?', action });
  }
  return summary;
}

function toAction(actions: string[]): Action | undefined {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.length !== 1) return undefined;
  const [action] = actions;
  return action === 'create' || action === 'update' || action === 'delete' ? action : undefined;
}

/** `terraform output -json`: `{ name: { value, type, sensitive } }`, sensitivity kept. */
export function parseTerraformOutputs(stack: string, text: string): Outputs {
  const parsed = parseJson(stack, 'output -json', text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidJson(stack, 'output -json', 'did not print a JSON object');
  }
  const outputs: Outputs = {};
  for (const [name, entry] of Object.entries(parsed as Record<string, { value?: unknown; sensitive?: unknown }>)) {
    outputs[name] = { value: entry.value ?? null, sensitive: entry.sensitive === true };
  }
  return outputs;
}

function parseJson(stack: string, command: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJson(stack, command, `printed invalid JSON (${(error as Error).message})`);
  }
}

function invalidJson(stack: string, command: string, what: string): StackfleetError {
  return new StackfleetError('E_TERRAFORM_JSON', `stack "${stack}": ${command} ${what}`, {
    hint: 'check that the binary is terraform or OpenTofu, version 1.0 or later',
  });
}
