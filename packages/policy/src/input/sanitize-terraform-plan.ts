import * as crypto from 'node:crypto';
import { setOwnEntry } from '@stackfleet/core';
import type { PolicyTerraformPlan } from './types.js';

/** Shorter values are not treated as secrets (as the log masker does): hiding every `1` would hide everything. */
const MIN_SECRET_LENGTH = 3;

/**
 * `"<sensitive:1a2b3c4d5e6f>"`: a sensitive value as policies see it. The hash
 * prefix lets a rule tell that a value changed without seeing it.
 */
export function redactValue(value: unknown): string {
  const digest = sha256Hex(JSON.stringify(value) ?? 'null');
  return `<sensitive:${digest.slice(0, 12)}>`;
}

// The one-shot `crypto.hash` (Node 20.12+) is about twice as fast as createHash.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
function sha256Hex(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
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
      pending.push(...Object.values(value as Record<string, unknown>));
    } else if (value !== undefined && value !== null) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects took the branch above; these are scalars (numbers, booleans).
      const text = String(value);
      if (text.length >= MIN_SECRET_LENGTH) found.add(text);
    }
  }
  return [...found].sort((left, right) => right.length - left.length);
}

/**
 * `terraform show -json` -> `input.terraform`: only resource_changes and
 * output_changes, no-op changes dropped, values marked sensitive (by
 * `before_sensitive`/`after_sensitive`) and any string containing one of
 * `secrets` replaced by `redactValue`. A secret reaches a plan in more than
 * strings: map keys (`{ "k-${var.x}" = 1 }`, for_each keys, which also end up
 * in `address` and `index`) and numbers (`type = number` variables) are
 * replaced by the same rule; booleans are kept (see `createSanitizer`). One
 * copying walk (the input is never mutated); this runs for every stack of
 * every run, so it stays cheap.
 */
export function sanitizeTerraformPlan(show: unknown, secrets: readonly string[]): PolicyTerraformPlan {
  const plan = (show ?? {}) as { resource_changes?: unknown; output_changes?: unknown };
  const resourceChanges = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  const outputChanges = isRecord(plan.output_changes) ? plan.output_changes : {};
  const walker = createSanitizer(secrets);
  const sanitized: PolicyTerraformPlan = { resource_changes: [], output_changes: {} };
  for (const resource of resourceChanges) {
    if (!isRecord(resource) || isNoOp(resource['change'])) continue;
    const copy: Record<string, unknown> = {};
    for (const key in resource) setOwnEntry(copy, key, key === 'change' ? walker.change(resource[key]) : walker.value(resource[key], undefined));
    sanitized.resource_changes.push(copy);
  }
  for (const name in outputChanges) {
    const change = outputChanges[name];
    if (!isNoOp(change)) setOwnEntry(sanitized.output_changes, walker.key(name), walker.change(change));
  }
  return sanitized;
}

/**
 * Any other part of the input by the same rule as a plan's values (no
 * sensitivity marks): each string, number and key containing one of
 * `secrets` (`collectSecretStrings`) becomes its `<sensitive:…>` form. How an
 * approval's comment, written by a human, reaches the input.
 */
export function sanitizeInputValue<T>(value: T, secrets: readonly string[]): T {
  return secrets.length === 0 ? value : (createSanitizer(secrets).value(value, undefined) as T);
}

function createSanitizer(secrets: readonly string[]) {
  // A secret repeated across resources hashes once.
  const hashes = new Map<string, string>();
  const redactText = (text: string): string => {
    let hash = hashes.get(text);
    if (hash === undefined) {
      hash = redactValue(text);
      hashes.set(text, hash);
    }
    return hash;
  };
  const redact = (value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    return typeof value === 'string' ? redactText(value) : redactValue(value);
  };
  const containsSecret = (text: string): boolean => {
    for (const secret of secrets) if (text.includes(secret)) return true;
    return false;
  };
  // A secret `0987654321` or `1.50` given to a `type = number` variable shows up as 987654321 or 1.5.
  // As long as a secret must be: a secret `007` must not hide every 7.
  const numericSecrets = new Set(
    secrets.filter(isNumberText).map((secret) => String(Number(secret))).filter((text) => text.length >= MIN_SECRET_LENGTH),
  );
  /**
   * A number is hidden when its text contains a secret (as a string would be:
   * `var.pin * 1000` still shows the pin) or equals a numeric secret's value.
   * Booleans are not: one bit tells nothing, and a secret `true` would
   * otherwise hide every flag of the plan (`after_unknown`, masks) from rules.
   */
  const isSecretNumber = (item: number): boolean => {
    const text = String(item);
    return numericSecrets.has(text) || containsSecret(text);
  };
  /**
   * A map key containing a secret becomes its `<sensitive:…>` form: distinct
   * keys keep distinct hashes, so no entry is lost, and the same key in a
   * value and in its `*_sensitive`/`after_unknown` mirror stays the same key.
   */
  const key = (name: string): string => (secrets.length > 0 && containsSecret(name) ? redactText(name) : name);
  /** `mask` mirrors `value`: `true` where the value is sensitive. */
  const value = (item: unknown, mask: unknown): unknown => {
    if (mask === true) return redact(item);
    if (typeof item === 'string') return secrets.length > 0 && containsSecret(item) ? redact(item) : item;
    if (typeof item === 'number') return secrets.length > 0 && isSecretNumber(item) ? redact(item) : item;
    if (item === null || typeof item !== 'object') return item;
    if (Array.isArray(item)) {
      const masks = Array.isArray(mask) ? mask : undefined;
      const copy = new Array<unknown>(item.length);
      for (let index = 0; index < item.length; index += 1) copy[index] = value(item[index], masks?.[index]);
      return copy;
    }
    const masks = isRecord(mask) ? mask : undefined;
    const copy: Record<string, unknown> = {};
    for (const name in item as Record<string, unknown>) setOwnEntry(copy, key(name), value((item as Record<string, unknown>)[name], masks?.[name]));
    return copy;
  };
  const change = (raw: unknown): Record<string, unknown> => {
    if (!isRecord(raw)) return {};
    const copy: Record<string, unknown> = {};
    // Older output_changes say `sensitive: true` instead of before/after_sensitive.
    const whole = raw['sensitive'] === true;
    for (const field in raw) {
      const mask = whole && (field === 'before' || field === 'after') ? true : field === 'before' ? raw['before_sensitive'] : field === 'after' ? raw['after_sensitive'] : undefined;
      setOwnEntry(copy, field, value(raw[field], mask));
    }
    return copy;
  };
  return { key, value, change };
}

/** Text that `Number` reads as the number it shows (not `""`, `0x10` or `Infinity`). */
function isNumberText(text: string): boolean {
  return /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text) && Number.isFinite(Number(text));
}

function isNoOp(change: unknown): boolean {
  if (!isRecord(change) || !Array.isArray(change['actions'])) return false;
  return change['actions'].length === 1 && change['actions'][0] === 'no-op';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
