import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import { groupPolicyAttachments, selectRunPolicies, selectStackPolicies, type LoadedPolicy } from './select-policies.js';

const policy = (kind: string, name: string) => parsePolicyFile(`kind: ${kind}\nname: ${name}\nrules: [{ name: r, effect: warn, when: "true" }]\n`, { source: 'p' }).policy!;
const app = { name: 'app-web', labels: ['prod'], runner: 'terraform' as const };
const dns = { name: 'dns', labels: ['core'], runner: 'command' as const };

describe('policy matching', () => {
  it('selects by kind in manifest order; run policies see only the stacks they apply to', () => {
    const loaded: LoadedPolicy[] = [
      { refs: [{ file: 'a', labels: ['prod'] }], policy: policy('plan', 'a') },
      { refs: [{ file: 'b' }], policy: policy('run', 'b') },
      { refs: [{ file: 'c', runners: ['command'] }], policy: policy('plan', 'c') },
      { refs: [{ file: 'd', stacks: ['nothing-*'] }], policy: policy('run', 'd') },
    ];
    expect(selectStackPolicies(loaded, 'plan', app).map((p) => p.name)).toEqual(['a']);
    expect(selectStackPolicies(loaded, 'plan', dns).map((p) => p.name)).toEqual(['c']);
    expect(selectRunPolicies(loaded, 'run', [app, dns]).map(({ policy: p, stacks }) => [p.name, stacks.map((s) => s.name)])).toEqual([['b', ['app-web', 'dns']]]);
  });

  it('judges a stack once by a file attached several times: it applies when any attachment matches', () => {
    const plan = policy('plan', 'p');
    const run = policy('run', 'r');
    const loaded: LoadedPolicy[] = [
      { refs: [{ file: 'p', stacks: ['app-*'] }, { file: 'p', labels: ['prod'] }, { file: 'p', stacks: ['dns'] }], policy: plan },
      { refs: [{ file: 'r', stacks: ['app-*'] }, { file: 'r', runners: ['command'] }], policy: run },
    ];
    expect(selectStackPolicies(loaded, 'plan', app)).toEqual([plan]);
    expect(selectStackPolicies(loaded, 'plan', dns)).toEqual([plan]);
    expect(selectStackPolicies(loaded, 'plan', { name: 'db', labels: [], runner: 'terraform' })).toEqual([]);
    expect(selectRunPolicies(loaded, 'run', [app, dns]).map(({ policy: p, stacks }) => [p.name, stacks.map((s) => s.name)])).toEqual([['r', ['app-web', 'dns']]]);
  });

  it("groups the manifest's entries by the file they name, in the order of each file's first entry", () => {
    const refs = [{ file: './a.yaml', stacks: ['x'] }, { file: 'b.yaml' }, { file: 'a.yaml', labels: ['prod'] }];
    expect(groupPolicyAttachments(refs, (ref) => ref.file.replace(/^\.\//, ''))).toEqual([
      { file: 'a.yaml', index: 0, refs: [refs[0], refs[2]] },
      { file: 'b.yaml', index: 1, refs: [refs[1]] },
    ]);
  });
});
