import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import { selectRunPolicies, selectStackPolicies, type LoadedPolicy } from './select-policies.js';

const policy = (kind: string, name: string) => parsePolicyFile(`kind: ${kind}\nname: ${name}\nrules: [{ name: r, effect: warn, when: "true" }]\n`, { source: 'p' }).policy!;
const app = { name: 'app-web', labels: ['prod'], runner: 'terraform' as const };
const dns = { name: 'dns', labels: ['core'], runner: 'command' as const };

describe('policy matching', () => {
  it('selects by kind in manifest order; run policies see only the stacks they apply to', () => {
    const loaded: LoadedPolicy[] = [
      { ref: { file: 'a', labels: ['prod'] }, policy: policy('plan', 'a') },
      { ref: { file: 'b' }, policy: policy('run', 'b') },
      { ref: { file: 'c', runners: ['command'] }, policy: policy('plan', 'c') },
      { ref: { file: 'd', stacks: ['nothing-*'] }, policy: policy('run', 'd') },
    ];
    expect(selectStackPolicies(loaded, 'plan', app).map((p) => p.name)).toEqual(['a']);
    expect(selectStackPolicies(loaded, 'plan', dns).map((p) => p.name)).toEqual(['c']);
    expect(selectRunPolicies(loaded, 'run', [app, dns]).map(({ policy: p, stacks }) => [p.name, stacks.map((s) => s.name)])).toEqual([['b', ['app-web', 'dns']]]);
  });
});
