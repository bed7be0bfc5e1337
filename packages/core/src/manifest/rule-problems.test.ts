import { describe, expect, it } from 'vitest';
import { parseManifest } from './parse-manifest.js';
import { collectProblems, formatProblems } from './manifest-problems.fixtures.js';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('path rules', () => {
  it('reports stack paths that escape the repository lexically (E_PATH_ESCAPE)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'repos:',
          '  platform: { url: ../platform }',
          'stacks:',
          '  up:',
          '    path: stacks/../../outside',
          '  abs:',
          '    repo: platform',
          '    path: /etc/stack',
          '  fine:',
          '    path: stacks/a/../b',
          '    files: { "../secrets.tfvars": "x" }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_PATH_ESCAPE stacks.yaml:6:11 stacks.up.path: path "stacks/../../outside" escapes the repository of this manifest
        hint: use a path relative to the repository root that does not climb above it with ".."
      E_PATH_ESCAPE stacks.yaml:9:11 stacks.abs.path: path "/etc/stack" is absolute; a stack path must stay inside repo "platform"
        hint: use a path relative to the repository root that does not climb above it with ".."
      E_PATH_ESCAPE stacks.yaml:12:14 stacks.fine.files["../secrets.tfvars"]: file "../secrets.tfvars" would be written outside the stack directory
        hint: use a path relative to the stack directory, without ".." above it"
    `);
  });
});

describe('command rules', () => {
  it('reports a command stack without commands.apply (E_MISSING_COMMAND)', () => {
    expect(
      formatProblems(lines('version: 1', 'stacks:', '  smoke:', '    runner: command', '    path: checks', '    commands: { plan: ./check.sh }')),
    ).toMatchInlineSnapshot(`
      "E_MISSING_COMMAND stacks.yaml:6:15 stacks.smoke.commands.apply: runner "command" needs commands.apply
        hint: add commands: { apply: "./apply.sh" } (plan and destroy are optional)"
    `);
  });
});

describe('environment variable names', () => {
  it('reports invalid names in env, secrets and dependsOn outputs (E_ENV_NAME)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'stacks:',
          '  net:',
          '    path: n',
          '  app:',
          '    path: a',
          '    env: { "MY-VAR": x, OK_1: y }',
          '    secrets: { 1TOKEN: { fromEnv: T } }',
          '    dependsOn:',
          '      - stack: net',
          '        outputs: { vpc_id: TF_VAR_vpc-id }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_ENV_NAME stacks.yaml:7:12 stacks.app.env.MY-VAR: invalid environment variable name "MY-VAR"
        hint: use letters, digits and underscores, not starting with a digit (e.g. TF_VAR_vpc_id)
      E_ENV_NAME stacks.yaml:8:16 stacks.app.secrets["1TOKEN"]: invalid environment variable name "1TOKEN"
        hint: use letters, digits and underscores, not starting with a digit (e.g. TF_VAR_vpc_id)
      E_ENV_NAME stacks.yaml:11:28 stacks.app.dependsOn[0].outputs.vpc_id: invalid environment variable name "TF_VAR_vpc-id"
        hint: use letters, digits and underscores, not starting with a digit (e.g. TF_VAR_vpc_id)"
    `);
  });
});

describe('drift rules', () => {
  it('reports an invalid cron schedule (E_CRON)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'contexts:',
          '  nightly: { drift: { schedule: "every night" } }',
          'stacks:',
          '  app:',
          '    path: a',
          '    drift: { remediate: true, maxDeletes: 0, schedule: "61 * * * *" }',
          '  b:',
          '    path: b',
          '    drift: { schedule: "* * *" }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_CRON stacks.yaml:3:33 contexts.nightly.drift.schedule: invalid cron schedule "every night": expected 5 or 6 fields, got 2
        hint: use 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "0 */6 * * *"
      E_CRON stacks.yaml:7:56 stacks.app.drift.schedule: invalid cron schedule "61 * * * *": constraint error, got value 61 expected range 0-59
        hint: use 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "0 */6 * * *"
      E_CRON stacks.yaml:10:24 stacks.b.drift.schedule: invalid cron schedule "* * *": expected 5 or 6 fields, got 3
        hint: use 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "0 */6 * * *""
    `);
  });
});

describe('retry rules', () => {
  it('reports a retry pattern that is not a valid regular expression (E_REGEX)', () => {
    expect(
      formatProblems(
        lines('version: 1', 'stacks:', '  app:', '    path: a', '    retries: { attempts: 3, on: ["429", "/rate (limit/i", "/ok$/"] }'),
      ),
    ).toMatchInlineSnapshot(`
      "E_REGEX stacks.yaml:5:41 stacks.app.retries.on[1]: invalid regular expression "/rate (limit/i": missing closing ): \`(?i)rate (limit\`
        hint: fix the expression, or write it without the surrounding slashes to match it as plain text"
    `);
  });

  it('takes RE2 syntax, which matches in linear time: no backreferences, no lookaround', () => {
    expect(
      formatProblems(lines('version: 1', 'stacks:', '  app:', '    path: a', '    retries: { attempts: 3, on: ["/(a)\\\\1/", "/x(?=y)/", "/(a+)+$/"] }')),
    ).toMatchInlineSnapshot(`
      "E_REGEX stacks.yaml:5:34 stacks.app.retries.on[0]: invalid regular expression "/(a)\\\\1/": invalid escape sequence: \`\\1\`
        hint: fix the expression, or write it without the surrounding slashes to match it as plain text
      E_REGEX stacks.yaml:5:46 stacks.app.retries.on[1]: invalid regular expression "/x(?=y)/": invalid or unsupported Perl syntax: \`(?=\`
        hint: fix the expression, or write it without the surrounding slashes to match it as plain text"
    `);
  });
});

describe('interpolation rules', () => {
  it('reports bad syntax with the key path of the string (E_INTERPOLATION)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'stacks:',
          '  app:',
          '    path: a',
          '    env: { A: "${{ vars.region" }',
          '    hooks: { beforePlan: ["echo ${{ foo.bar }}"] }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_INTERPOLATION stacks.yaml:5:15 stacks.app.env.A: unclosed "\${{" in "\${{ vars.region"
        hint: close the expression with "}}", or write "$\${{" for a literal "\${{"
      E_INTERPOLATION stacks.yaml:6:27 stacks.app.hooks.beforePlan[0]: unknown expression root "foo" in "\${{ foo.bar }}"
        hint: write "\${{ vars.NAME }}", "\${{ env.NAME }}", "\${{ stacks.NAME.outputs.KEY }}" or "\${{ stack.name }}""
    `);
  });

  it('rejects stack outputs in variables and contexts, which create no edges (E_INTERPOLATION)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'variables: { vpc: "${{ stacks.network.outputs.vpc_id }}" }',
          'contexts:',
          '  all: { attachTo: { labels: ["*"] }, env: { VPC: "${{ stacks.network.outputs.vpc_id }}" } }',
          'stacks:',
          '  network:',
          '    path: n',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_INTERPOLATION stacks.yaml:2:19 variables.vpc: stack outputs can only be read from a stack's own env, vars, files or hooks, not here: "\${{ stacks.network.outputs.vpc_id }}"
        hint: move the value into the stacks that need it, or pass it with dependsOn[].outputs
      E_INTERPOLATION stacks.yaml:4:51 contexts.all.env.VPC: stack outputs can only be read from a stack's own env, vars, files or hooks, not here: "\${{ stacks.network.outputs.vpc_id }}"
        hint: move the value into the stacks that need it, or pass it with dependsOn[].outputs"
    `);
  });

  it('reports unknown variables and fields with a suggestion (E_UNKNOWN_REFERENCE)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'variables: { region: eu-west-1 }',
          'contexts:',
          '  prod: { attachTo: { labels: [prod] }, vars: { account: "1" } }',
          'stacks:',
          '  app:',
          '    path: a',
          '    vars:',
          '      a: "${{ vars.regoin }}"',
          '      b: "${{ vars.account }}"',
          '      c: "${{ stack.nam }}"',
          '      d: "$${{ vars.escaped }} ${{ env.ANYTHING }} ${{ stack.name }} ${{ vars.region }}"',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_REFERENCE stacks.yaml:9:10 stacks.app.vars.a: unknown variable "regoin" in "\${{ vars.regoin }}" (did you mean "region"?)
        hint: define "regoin" under variables, in a context that applies to this stack, or in the stack's vars
      E_UNKNOWN_REFERENCE stacks.yaml:10:10 stacks.app.vars.b: unknown variable "account" in "\${{ vars.account }}"
        hint: define "account" under variables, in a context that applies to this stack, or in the stack's vars
      E_UNKNOWN_REFERENCE stacks.yaml:11:10 stacks.app.vars.c: unknown field "stack.nam" in "\${{ stack.nam }}" (did you mean "name"?)
        hint: only "\${{ stack.name }}" is available"
    `);
  });

  it('accepts variables from contexts that apply to the stack', () => {
    const text = lines(
      'version: 1',
      'contexts:',
      '  all: { attachTo: { labels: ["*"] }, vars: { x: 1 } }',
      '  listed: { vars: { y: 2 } }',
      '  prod: { attachTo: { labels: [prod] }, vars: { z: 3 } }',
      'stacks:',
      '  app:',
      '    path: a',
      '    labels: [prod]',
      '    contexts: [listed]',
      '    files: { f.txt: "${{ vars.x }} ${{ vars.y }} ${{ vars.z }}" }',
    );
    expect(parseManifest(text, 'stacks.yaml').manifest.stacks['app']?.files).toEqual({
      'f.txt': '${{ vars.x }} ${{ vars.y }} ${{ vars.z }}',
    });
  });
});

describe('all at once', () => {
  it('collects every problem before failing', () => {
    const problems = collectProblems(
      lines(
        'version: 1',
        'stacks:',
        '  network:',
        '    path: n',
        '    runnr: terraform',
        '  app:',
        '    path: ../../a',
        '    dependsOn: [netwrk]',
        '    env: { A: "${{ vars.nope }}" }',
      ),
    );
    expect(problems.map((problem) => `${problem.code} ${problem.keyPath}`)).toMatchInlineSnapshot(`
      [
        "E_UNKNOWN_KEY stacks.network.runnr",
        "E_PATH_ESCAPE stacks.app.path",
        "E_UNKNOWN_STACK stacks.app.dependsOn[0].stack",
        "E_UNKNOWN_REFERENCE stacks.app.env.A",
      ]
    `);
  });
});
