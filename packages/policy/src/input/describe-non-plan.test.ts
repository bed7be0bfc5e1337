import { describe, expect, it } from 'vitest';
import { describeNonPlan } from './describe-non-plan.js';

// The top-level keys of real `terraform show -json` output (terraform 1.11, terraform_data).
const PLAN_WITH_CHANGES = { format_version: '1.2', planned_values: { root_module: {} }, resource_changes: [], output_changes: {}, configuration: {} };
const PLAN_OF_EMPTY_CONFIGURATION = { format_version: '1.2', terraform_version: '1.11.4', planned_values: { root_module: {} }, configuration: { root_module: {} } };
const STATE = { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources: [] } } };

describe('describeNonPlan', () => {
  it('accepts plans: with changes, of an empty configuration, and the trimmed ones tests write', () => {
    expect(describeNonPlan(PLAN_WITH_CHANGES)).toBeUndefined();
    expect(describeNonPlan(PLAN_OF_EMPTY_CONFIGURATION)).toBeUndefined();
    expect(describeNonPlan({ resource_changes: [], output_changes: {} })).toBeUndefined();
  });

  it('says why a state, an empty object, an input document or a list is not a plan', () => {
    expect(describeNonPlan(STATE)).toContain('it is a state');
    expect(describeNonPlan({ format_version: '1.0' })).toBe('it has no planned_values or resource_changes');
    expect(describeNonPlan({})).toBe('it has no planned_values or resource_changes');
    expect(describeNonPlan({ changes: { total: 1 } })).toContain('looks like an input document');
    expect(describeNonPlan([])).toBe('it is a list, not a JSON object');
    expect(describeNonPlan(null)).toBe('it is null, not a JSON object');
    expect(describeNonPlan('x')).toBe('it is a string, not a JSON object');
    expect(describeNonPlan({ resource_changes: {} })).toBe('it has no planned_values or resource_changes');
  });
});
