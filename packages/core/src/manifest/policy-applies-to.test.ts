import { describe, expect, it } from 'vitest';
import { policyAppliesTo } from './policy-applies-to.js';

const app = { name: 'app-web', labels: ['prod'], runner: 'terraform' as const };
const dns = { name: 'dns', labels: ['core'], runner: 'command' as const };

describe('policyAppliesTo', () => {
  it('applies to every stack unless narrowed; stacks (glob), labels (any) and runners must all match', () => {
    expect(policyAppliesTo({ file: 'x' }, dns)).toBe(true);
    expect(policyAppliesTo({ file: 'x', stacks: ['app-*'] }, app)).toBe(true);
    expect(policyAppliesTo({ file: 'x', stacks: ['app-*'] }, dns)).toBe(false);
    expect(policyAppliesTo({ file: 'x', labels: ['core', 'prod'] }, app)).toBe(true);
    expect(policyAppliesTo({ file: 'x', labels: ['prod'], runners: ['command'] }, app)).toBe(false);
    expect(policyAppliesTo({ file: 'x', runners: ['terraform', 'tofu'] }, app)).toBe(true);
  });
});
