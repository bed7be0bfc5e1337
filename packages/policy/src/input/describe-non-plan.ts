/**
 * Why a parsed document is not `terraform show -json PLANFILE` output, or
 * undefined when it is one. Every plan has `planned_values` (an empty
 * configuration's plan has nothing else), a plan with resources has
 * `resource_changes`; a state (`terraform show -json` without a plan file)
 * has `values` instead, an input document neither. Without this check any
 * JSON object read as a plan with no changes, and policies allowed it.
 */
export function describeNonPlan(document: unknown): string | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return `it is ${Array.isArray(document) ? 'a list' : document === null ? 'null' : `a ${typeof document}`}, not a JSON object`;
  }
  const fields = document as Record<string, unknown>;
  const hasPlannedValues = isObject(fields['planned_values']);
  const hasChanges = Array.isArray(fields['resource_changes']);
  if (hasPlannedValues || hasChanges) return undefined;
  if (isObject(fields['values'])) return 'it is a state (`terraform show -json` without a plan file): it has values, no planned_values or resource_changes';
  if (isObject(fields['run']) || isObject(fields['changes']) || Array.isArray(fields['stacks'])) {
    return 'it looks like an input document (run, stack, changes): it has no planned_values or resource_changes';
  }
  return 'it has no planned_values or resource_changes';
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
