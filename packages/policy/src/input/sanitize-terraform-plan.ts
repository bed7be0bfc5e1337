import { createHash } from 'node:crypto';
import type { PolicyTerraformPlan } from './types.js';

/** Shorter values are not treated as secrets (as the log masker does): hiding every `1` would hide everything. */
const MIN_SECRET_LENGTH = 3;

/**
 * `"<sensitive:1a2b3c4d5e6f>"`: a sensitive value as policies see it. The hash
 * prefix lets a rule tell that a value changed without seeing it.
 */
export function redactValue(value: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(value) ?? 'null').digest('hex');
  return `<sensitive:${digest.slice(0, 12)}>`;
}

/**
 * The strings to hide in a plan: each secret, each string inside a structured
 * sensitive output, and their JSON-escaped forms.
 */
export function collectSecretStrings(values: Iterable<unknown>): string[] {
  const found = new Set<string>();
  const pending = [...values];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      for (const form of [value, JSON.stringify(value).slice(1, -1)]) if (form.trim().length >= MIN_SECRET_LENGTH) found.add(form);
    } else if (value !== null && typeof value === 'object') {
      pending.push(...Object.values(value));
    } else if (value !== undefined && value !== null && String(value).length >= MIN_SECRET_LENGTH) {
      found.add(String(value));
    }
  }
  return [...found].sort((left, right) => right.length - left.length);
}

/**
 * `terraform show -json` -> `input.terraform`: only resource_changes and
 * output_changes, no-op changes dropped, values marked sensitive (by
 * `before_sensitive`/`after_sensitive`, or an output's `sensitive`) and any
 * string containing one of `secrets` replaced by `redactValue`.
 */
export function sanitizeTerraformPlan(show: unknown, secrets: readonly string[]): PolicyTerraformPlan {
  const plan = (show ?? {}) as { resource_changes?: unknown; output_changes?: unknown };
  const resourceChanges = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  const outputChanges = isRecord(plan.output_changes) ? plan.output_changes : {};
  const hideSecrets = (value: unknown) => redactSecretStrings(value, secrets);
  return {
    resource_changes: resourceChanges
      .filter((resource) => isRecord(resource) && !isNoOp(resource['change']))
      .map((resource) => hideSecrets({ ...(resource as Record<string, unknown>), change: sanitizeChange((resource as Record<string, unknown>)['change']) }) as Record<string, unknown>),
    output_changes: Object.fromEntries(
      Object.entries(outputChanges)
        .filter(([, change]) => !isNoOp(change))
        .map(([name, change]) => [name, hideSecrets(sanitizeChange(change, isRecord(change) && change['sensitive'] === true)) as Record<string, unknown>]),
    ),
  };
}

function sanitizeChange(change: unknown, wholeSensitive = false): Record<string, unknown> {
  if (!isRecord(change)) return {};
  return {
    ...change,
    before: wholeSensitive ? redactPresent(change['before']) : redactSensitive(change['before'], change['before_sensitive']),
    after: wholeSensitive ? redactPresent(change['after']) : redactSensitive(change['after'], change['after_sensitive']),
  };
}

function redactPresent(value: unknown): unknown {
  return value === null || value === undefined ? value : redactValue(value);
}

/** `mask` mirrors `value`: `true` where the value is sensitive. */
function redactSensitive(value: unknown, mask: unknown): unknown {
  if (mask === true) return redactPresent(value);
  if (Array.isArray(value) && Array.isArray(mask)) return value.map((item, index) => redactSensitive(item, mask[index]));
  if (isRecord(value) && isRecord(mask)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactSensitive(item, mask[key])]));
  }
  return value;
}

function redactSecretStrings(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return secrets.some((secret) => value.includes(secret)) ? redactValue(value) : value;
  if (Array.isArray(value)) return value.map((item) => redactSecretStrings(item, secrets));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactSecretStrings(item, secrets)]));
  }
  return value;
}

function isNoOp(change: unknown): boolean {
  if (!isRecord(change) || !Array.isArray(change['actions'])) return false;
  return change['actions'].length === 1 && change['actions'][0] === 'no-op';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
