import { describe, expect, it } from 'vitest';
import type { StackSpec } from '../model.js';
import { collectStackReferences, tryParseTemplate } from './collect-references.js';

function stack(overrides: Partial<StackSpec>): StackSpec {
  return {
    name: 'app',
    path: 'stacks/app',
    runner: 'terraform',
    labels: [],
    contexts: [],
    vars: {},
    env: {},
    secrets: {},
    files: {},
    hooks: {},
    watch: [],
    dependsOn: [],
    after: [],
    commands: {},
    retries: { attempts: 1, on: [], backoffMs: 1000 },
    ...overrides,
  };
}

describe('collectStackReferences', () => {
  it('finds output references in env, vars (nested), files and hooks with their key paths', () => {
    const references = collectStackReferences(
      stack({
        env: { VPC: '${{ stacks.network.outputs.vpc_id }}' },
        vars: { nested: { list: ['x', '${{ stacks.db.outputs.url }} and ${{ stacks.dns.outputs.zone }}'] } },
        files: { 'backend.auto.tfvars': 'bucket = "${{ stacks.state.outputs.bucket }}"' },
        hooks: { afterApply: ['echo ${{ vars.x }}', './notify ${{ stacks.chat.outputs.hook }}'] },
        commands: { apply: '${{ stacks.ignored.outputs.x }}' },
      }),
    );
    expect(references).toEqual([
      { stack: 'network', output: 'vpc_id', keyPath: 'stacks.app.env.VPC' },
      { stack: 'db', output: 'url', keyPath: 'stacks.app.vars.nested.list[1]' },
      { stack: 'dns', output: 'zone', keyPath: 'stacks.app.vars.nested.list[1]' },
      { stack: 'state', output: 'bucket', keyPath: 'stacks.app.files["backend.auto.tfvars"]' },
      { stack: 'chat', output: 'hook', keyPath: 'stacks.app.hooks.afterApply[1]' },
    ]);
  });

  it('skips strings with invalid syntax and escaped expressions', () => {
    expect(
      collectStackReferences(stack({ vars: { a: '${{ stacks.x.outputs.y', b: '$${{ stacks.y.outputs.z }}' } })),
    ).toEqual([]);
  });
});

describe('tryParseTemplate', () => {
  it('parses up to the expressions a value may hold, and reads none past them (validation reports it)', () => {
    const expressions = (count: number) => '${{ vars.a }}'.repeat(count);
    expect(tryParseTemplate(expressions(1000)).filter((part) => part.kind === 'reference')).toHaveLength(1000);
    expect(tryParseTemplate(expressions(1001))).toEqual([]);
  });
});
