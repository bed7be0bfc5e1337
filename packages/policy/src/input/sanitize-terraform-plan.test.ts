import { describe, expect, it } from 'vitest';
import { collectSecretStrings, redactValue, sanitizeTerraformPlan } from './sanitize-terraform-plan.js';

const SECRET = 'S3cr3tValue-XYZ';
const PIN = '987654321';

/** What `resource "terraform_data" "d" { for_each = { "k-${var.x}" = … } }` plans, trimmed. */
const keyed = {
  resource_changes: [
    {
      address: `terraform_data.d["k-${SECRET}"]`,
      index: `k-${SECRET}`,
      type: 'terraform_data',
      name: 'd',
      change: {
        actions: ['create'],
        before: null,
        after: { input: { [`k-${SECRET}`]: `pre-${SECRET}-post`, plain: 'visible' } },
        after_unknown: { input: { [`k-${SECRET}`]: false, plain: false }, output: true },
        before_sensitive: false,
        after_sensitive: { input: { [`k-${SECRET}`]: false, plain: false } },
        replace_paths: [['input', `k-${SECRET}`]],
      },
    },
  ],
  output_changes: {},
};

const sanitize = (show: unknown, secrets: unknown[]) => sanitizeTerraformPlan(show, collectSecretStrings(secrets));

describe('sanitizeTerraformPlan', () => {
  it('replaces map keys containing a secret, in values and in their mirrors alike, keeping every entry', () => {
    const result = sanitize(keyed, [SECRET]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    const hiddenKey = redactValue(`k-${SECRET}`);
    const resource = result.resource_changes[0]!;
    expect(resource['address']).toBe(redactValue(`terraform_data.d["k-${SECRET}"]`));
    expect(resource['index']).toBe(hiddenKey);
    expect(resource['change']).toMatchObject({
      after: { input: { [hiddenKey]: redactValue(`pre-${SECRET}-post`), plain: 'visible' } },
      after_unknown: { input: { [hiddenKey]: false, plain: false }, output: true },
      after_sensitive: { input: { [hiddenKey]: false, plain: false } },
      replace_paths: [['input', hiddenKey]],
    });
    // Two keys that differ only in their secret part stay two entries.
    const two = sanitize({ resource_changes: [{ change: { actions: ['create'], after: { [`a-${SECRET}`]: 1, [`b-${SECRET}`]: 2 } } }] }, [SECRET]);
    expect(Object.keys((two.resource_changes[0]!['change'] as { after: object }).after)).toHaveLength(2);
  });

  it('applies key sensitivity by the original key (a sensitive entry under a hidden key stays hidden)', () => {
    const show = {
      resource_changes: [
        { change: { actions: ['update'], before: { [`k-${SECRET}`]: 'old-value' }, after: { [`k-${SECRET}`]: 'new-value' }, before_sensitive: { [`k-${SECRET}`]: true }, after_sensitive: { [`k-${SECRET}`]: true } } },
      ],
    };
    const change = sanitize(show, [SECRET]).resource_changes[0]!['change'] as Record<string, Record<string, unknown>>;
    expect(change['after']).toEqual({ [redactValue(`k-${SECRET}`)]: redactValue('new-value') });
    expect(change['before']).toEqual({ [redactValue(`k-${SECRET}`)]: redactValue('old-value') });
  });

  it('replaces numbers whose text is or contains a secret, also a number variable fed a secret', () => {
    const show = {
      resource_changes: [
        { address: 'terraform_data.pin', change: { actions: ['create'], before: null, after: { input: 987654321, scaled: 987654321000, list: [1, 2, 987654321], count: 3, on: true } } },
      ],
      output_changes: { pin: { actions: ['create'], before: null, after: 987654321 } },
    };
    const result = sanitize(show, [PIN]);
    expect(JSON.stringify(result)).not.toContain(PIN);
    expect((result.resource_changes[0]!['change'] as { after: unknown }).after).toEqual({
      input: redactValue(987654321),
      scaled: redactValue(987654321000),
      list: [1, 2, redactValue(987654321)],
      count: 3,
      on: true,
    });
    expect(result.output_changes['pin']).toMatchObject({ after: redactValue(987654321) });
  });

  it('matches a numeric secret by its value, not only its spelling (0987654321, 1.50)', () => {
    const show = { resource_changes: [{ change: { actions: ['create'], after: { pin: 987654321, rate: 1.5, seven: 7 } } }] };
    const after = (sanitize(show, ['0987654321', '1.50', '007']).resource_changes[0]!['change'] as { after: Record<string, unknown> }).after;
    expect(after).toEqual({ pin: redactValue(987654321), rate: redactValue(1.5), seven: 7 });
  });

  it('keeps booleans, short numbers and everything else when no secret matches', () => {
    const show = { resource_changes: [{ index: 12, change: { actions: ['create'], after: { n: 12, ok: true, s: 'text' } } }], output_changes: { n: { actions: ['create'], after: 1234 } } };
    expect(sanitize(show, ['true', '999'])).toEqual({ resource_changes: show.resource_changes, output_changes: show.output_changes });
    expect(sanitize(show, [])).toEqual({ resource_changes: show.resource_changes, output_changes: show.output_changes });
  });

  it('replaces an output name containing a secret', () => {
    const result = sanitize({ output_changes: { [`url_${SECRET}`]: { actions: ['create'], after: 'x' } } }, [SECRET]);
    expect(Object.keys(result.output_changes)).toEqual([redactValue(`url_${SECRET}`)]);
  });
});

describe('sanitizeTerraformPlan and map keys named __proto__', () => {
  // As JSON.parse reads `terraform show -json`: `__proto__` is an own key there, as in the terraform map.
  const show = JSON.parse(`{
    "resource_changes": [{
      "address": "terraform_data.tagged", "type": "terraform_data",
      "change": {
        "actions": ["update"],
        "before": { "input": { "__proto__": "old", "team": "a" } },
        "after": { "input": { "__proto__": "new", "team": "a", "nested": { "__proto__": { "polluted": true } } } },
        "before_sensitive": { "input": { "__proto__": true } },
        "after_sensitive": false
      }
    }],
    "output_changes": {
      "__proto__": { "actions": ["create"], "before": null, "after": { "__proto__": "out" } }
    }
  }`) as unknown;

  it('keeps them as ordinary own entries, never as prototypes', () => {
    const result = sanitize(show, []);
    const change = result.resource_changes[0]!['change'] as { after: { input: Record<string, unknown> } };
    const input = change.after.input;
    expect(Object.keys(input)).toEqual(['__proto__', 'team', 'nested']);
    expect(Object.hasOwn(input, '__proto__') && input['__proto__']).toBe('new');
    const nested = input['nested'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(Object.hasOwn(nested, '__proto__') && nested['__proto__']).toEqual({ polluted: true });
    expect(Object.keys(result.output_changes)).toEqual(['__proto__']);
    expect(Object.hasOwn(result.output_changes, '__proto__') && result.output_changes['__proto__']).toEqual({ actions: ['create'], before: null, after: JSON.parse('{"__proto__": "out"}') });
    expect(JSON.stringify(result)).toContain('"__proto__":"new"');
    expect(JSON.stringify(result)).toContain('"__proto__":{"actions":["create"],"before":null,"after":{"__proto__":"out"}}');
  });

  it('hides a sensitive value under such a key, and a secret in its value', () => {
    const result = sanitize(show, ['new']);
    const change = result.resource_changes[0]!['change'] as { before: { input: Record<string, unknown> }; after: { input: Record<string, unknown> } };
    expect(change.before.input['__proto__']).toBe(redactValue('old'));
    expect(change.after.input['__proto__']).toBe(redactValue('new'));
  });
});
