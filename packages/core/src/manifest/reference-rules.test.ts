import { describe, expect, it } from 'vitest';
import { collectProblems, formatProblems } from './manifest-problems.fixtures.js';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('reference rules', () => {
  it('reports an unknown stack in dependsOn and after with a suggestion (E_UNKNOWN_STACK)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'stacks:',
          '  network:',
          '    path: n',
          '  app:',
          '    path: a',
          '    dependsOn:',
          '      - stack: netwrk',
          '      - dsn',
          '    after: [networks, zzz]',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_STACK stacks.yaml:8:16 stacks.app.dependsOn[0].stack: unknown stack "netwrk" (did you mean "network"?)
        hint: use the name of a stack declared under "stacks"
      E_UNKNOWN_STACK stacks.yaml:9:9 stacks.app.dependsOn[1].stack: unknown stack "dsn"
        hint: use the name of a stack declared under "stacks"
      E_UNKNOWN_STACK stacks.yaml:10:13 stacks.app.after[0]: unknown stack "networks" (did you mean "network"?)
        hint: use the name of a stack declared under "stacks"
      E_UNKNOWN_STACK stacks.yaml:10:23 stacks.app.after[1]: unknown stack "zzz"
        hint: use the name of a stack declared under "stacks""
    `);
  });

  it('reports an unknown stack in a ${{ stacks.X.outputs.K }} reference (E_UNKNOWN_STACK)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'stacks:',
          '  network:',
          '    path: n',
          '  app:',
          '    path: a',
          '    vars:',
          '      subnet: "${{ stacks.netwrk.outputs.subnet_id }}"',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_STACK stacks.yaml:8:15 stacks.app.vars.subnet: unknown stack "netwrk" in "\${{ stacks.netwrk.outputs.subnet_id }}" (did you mean "network"?)
        hint: use the name of a stack declared under "stacks""
    `);
  });

  it('reports a stack that depends on itself (E_SELF_DEPENDENCY)', () => {
    expect(
      formatProblems(
        lines('version: 1', 'stacks:', '  app:', '    path: a', '    dependsOn: [app]', '    env: { X: "${{ stacks.app.outputs.x }}" }'),
      ),
    ).toMatchInlineSnapshot(`
      "E_SELF_DEPENDENCY stacks.yaml:5:17 stacks.app.dependsOn[0].stack: stack "app" depends on itself
        hint: remove "app" from its own dependsOn
      E_SELF_DEPENDENCY stacks.yaml:6:15 stacks.app.env.X: stack "app" reads its own outputs in "\${{ stacks.app.outputs.x }}"
        hint: a stack cannot depend on itself; pass the value as a variable"
    `);
  });

  it('reports a stack listed twice in dependsOn (E_DUPLICATE)', () => {
    expect(
      formatProblems(lines('version: 1', 'stacks:', '  b:', '    path: b', '  app:', '    path: a', '    dependsOn: [b, { stack: b }]')),
    ).toMatchInlineSnapshot(`
      "E_DUPLICATE stacks.yaml:7:20 stacks.app.dependsOn[1]: "b" is listed twice in dependsOn
        hint: list each upstream stack once and merge its outputs"
    `);
  });

  it('reports unknown contexts and repos (E_UNKNOWN_CONTEXT, E_UNKNOWN_REPO)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'repos:',
          '  platform: { url: ../platform }',
          'contexts:',
          '  aws-prod: {}',
          'stacks:',
          '  app:',
          '    repo: platfrom',
          '    path: a',
          '    contexts: [aws-prd]',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_REPO stacks.yaml:8:11 stacks.app.repo: unknown repo "platfrom" (did you mean "platform"?)
        hint: declare it under "repos", or remove "repo" to use the repository of this manifest
      E_UNKNOWN_CONTEXT stacks.yaml:10:16 stacks.app.contexts[0]: unknown context "aws-prd" (did you mean "aws-prod"?)
        hint: use the name of a context declared under "contexts""
    `);
  });

  it('does not call a stack unknown when only its own definition is broken', () => {
    const problems = collectProblems(
      lines('version: 1', 'stacks:', '  network:', '    path: 5', '    runner: nope', '  app:', '    path: a', '    dependsOn: [network]'),
    );
    expect(problems.map((problem) => `${problem.code} ${problem.keyPath}`)).toEqual([
      'E_TYPE stacks.network.path',
      'E_UNKNOWN_RUNNER stacks.network.runner',
    ]);
  });
});

describe('suggestions', () => {
  it('stops suggesting after a limit, so a fleet full of typos still loads fast', () => {
    const stacks = Array.from({ length: 60 }, (_, index) => `  s${index}: { path: p, after: [s${index}x] }`);
    const problems = collectProblems(lines('version: 1', 'stacks:', ...stacks));
    expect(problems).toHaveLength(60);
    const suggested = problems.filter((problem) => problem.message.includes('did you mean'));
    expect(suggested).toHaveLength(50);
    expect(problems[0]?.message).toBe('unknown stack "s0x" (did you mean "s0"?)');
  });
});
