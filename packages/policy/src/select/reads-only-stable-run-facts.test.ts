import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import { readsOnlyStableRunFacts } from './reads-only-stable-run-facts.js';
import type { LoadedPolicy } from './select-policies.js';

const loaded = (text: string): LoadedPolicy => {
  const parsed = parsePolicyFile(text, { source: 'p.policy.yaml' });
  if (parsed.policy === undefined) throw new Error(JSON.stringify(parsed.problems));
  return { refs: [{ file: 'p.policy.yaml' }], policy: parsed.policy };
};
const rule = (when: string, message = '"m"') => loaded(`kind: plan\nrules:\n  - name: r\n    effect: warn\n    when: '${when}'\n    message: '${message}'\n`);

describe('readsOnlyStableRunFacts', () => {
  it('is true for rules over the plan, the stack, params and the run facts both runs of an apply share', () => {
    expect(
      readsOnlyStableRunFacts([
        rule('input.changes.total > 5.0 && input.stack.labels.exists(l, l == "prod")'),
        rule('input.run.actor.login == "bench" && input.run.type == "tracked" && !has(input.run.pr)', '"by " + input . run . actor.login'),
        loaded(`kind: plan\nvariables:\n  score: 'input.terraform.resource_changes.size() * 2'\nrules:\n  - name: r\n    effect: deny\n    when: variables.score > 1\n`),
      ]),
    ).toBe(true);
  });

  it('is false when an expression may read what differs between the runs: approvals, the run id, plannedBy, input or input.run whole', () => {
    expect(readsOnlyStableRunFacts([rule('size(input.approvals) >= 2')])).toBe(false);
    expect(readsOnlyStableRunFacts([rule('true', '"run " + input.run.id')])).toBe(false);
    expect(readsOnlyStableRunFacts([rule('has(input.run.plannedBy)')])).toBe(false);
    expect(readsOnlyStableRunFacts([rule('input["approvals"].size() > 0')])).toBe(false);
    expect(readsOnlyStableRunFacts([loaded(`kind: plan\nvariables:\n  r: input.run\nrules:\n  - name: r\n    effect: warn\n    when: variables.r.id == ""\n`)])).toBe(false);
  });

  it('is false for an exec policy, whose command may read anything', () => {
    expect(readsOnlyStableRunFacts([rule('true'), loaded('kind: plan\nengine: exec\ncommand: ./check.sh\n')])).toBe(false);
  });
});
