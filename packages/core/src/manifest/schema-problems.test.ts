import { describe, expect, it } from 'vitest';
import { formatProblems } from './manifest-problems.fixtures.js';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('schema problems', () => {
  it('reports an unknown stack key with a suggestion (E_UNKNOWN_KEY)', () => {
    expect(
      formatProblems(lines('version: 1', 'stacks:', '  app:', '    path: a', '    dependOn: [b]', '  b:', '    path: b')),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_KEY stacks.yaml:5:5 stacks.app.dependOn: unknown key "dependOn" (did you mean "dependsOn"?)
        hint: valid keys here: after, commands, contexts, dependsOn, drift, env, files, hooks, labels, path, pool, repo, retries, runner, secrets, timeout, vars, watch"
    `);
  });

  it('reports an unknown top-level key (E_UNKNOWN_KEY)', () => {
    expect(formatProblems(lines('version: 1', 'stack:', '  app:', '    path: a'))).toMatchInlineSnapshot(`
      "E_UNKNOWN_KEY stacks.yaml:2:1 stack: unknown key "stack" (did you mean "stacks"?)
        hint: valid keys here: contexts, policies, repos, settings, stacks, teams, variables, version"
    `);
  });

  it('reports an unknown key inside a dependsOn entry and a hook (E_UNKNOWN_KEY)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'stacks:',
          '  net:',
          '    path: n',
          '  app:',
          '    path: a',
          '    dependsOn:',
          '      - stack: net',
          '        output: { id: ID }',
          '    hooks: { beforeplan: [x] }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_KEY stacks.yaml:9:9 stacks.app.dependsOn[0].output: unknown key "output" (did you mean "outputs"?)
        hint: valid keys here: mock, outputs, stack
      E_UNKNOWN_KEY stacks.yaml:10:14 stacks.app.hooks.beforeplan: unknown key "beforeplan" (did you mean "beforePlan"?)
        hint: valid keys here: afterApply, afterDestroy, afterPlan, afterRun, beforeApply, beforeDestroy, beforeInit, beforePlan"
    `);
  });

  it('reports wrong types in our words (E_TYPE)', () => {
    expect(
      formatProblems(
        lines(
          'version: 1',
          'stacks:',
          '  app:',
          '    path: [a]',
          '    labels: prod',
          '    dependsOn: [{ stack: 1 }, 5]',
          '    drift: { remediate: "yes" }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:4:11 stacks.app.path: expected a string, got a list
        hint: write text; quote it if YAML reads it as a number, boolean or date
      E_TYPE stacks.yaml:5:13 stacks.app.labels: expected a list, got the string "prod"
        hint: write a list: [a, b] or one "- item" per line
      E_TYPE stacks.yaml:6:26 stacks.app.dependsOn[0].stack: expected a string, got 1
        hint: write text; quote it if YAML reads it as a number, boolean or date
      E_TYPE stacks.yaml:6:31 stacks.app.dependsOn[1]: expected a string or a map, got 5
        hint: write the name of an upstream stack, or { stack: NAME, outputs: { OUTPUT: ENV_VAR }, mock: { OUTPUT: value } }
      E_TYPE stacks.yaml:7:25 stacks.app.drift.remediate: expected true/false, got the string "yes"
        hint: write true or false"
    `);
  });

  it('reports a missing required key (E_TYPE)', () => {
    expect(formatProblems(lines('version: 1', 'stacks:', '  app:', '    runner: tofu'))).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:3:3 stacks.app.path: missing required key "path"
        hint: add "path: ..." here"
    `);
  });

  it('reports a secret without exactly one source (E_TYPE)', () => {
    expect(
      formatProblems(
        lines('version: 1', 'stacks:', '  app:', '    path: a', '    secrets:', '      TOKEN: { fromEnv: A, fromFile: b }'),
      ),
    ).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:6:14 stacks.app.secrets.TOKEN: a secret needs exactly one of fromEnv, fromFile, fromCommand, got fromEnv and fromFile
        hint: e.g. DB_PASSWORD: { fromEnv: PROD_DB_PASSWORD }"
    `);
  });

  it('reports concurrency and limits that are not whole numbers >= 1 (E_TYPE)', () => {
    expect(
      formatProblems(lines('version: 1', 'settings:', '  concurrency: 0', '  limits: { prod: 1.5, dev: -1 }', 'stacks: {}')),
    ).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:3:16 settings.concurrency: expected a whole number >= 1, got 0
        hint: write a whole number >= 1
      E_TYPE stacks.yaml:4:19 settings.limits.prod: expected a whole number, got 1.5
        hint: write a whole number, e.g. 2
      E_TYPE stacks.yaml:4:29 settings.limits.dev: expected a whole number >= 1, got -1
        hint: write a whole number >= 1"
    `);
  });

  it('words a length bound as a length and a described pattern in its own words (E_TYPE)', () => {
    expect(
      formatProblems(lines('version: 1', 'settings:', '  fleet: ""', 'stacks:', '  a: { path: a, pool: "bad pool!" }')),
    ).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:3:10 settings.fleet: expected at least 1 character, got the string ""
        hint: write at least 1 character
      E_TYPE stacks.yaml:5:23 stacks.a.pool: the string "bad pool!" is not in the expected format
        hint: a pool name is letters, digits, "_", "." and "-""
    `);
  });

  it('reports an unsupported or missing version (E_VERSION)', () => {
    expect(formatProblems(lines('version: 2', 'stacks: {}'))).toMatchInlineSnapshot(`
      "E_VERSION stacks.yaml:1:10 version: unsupported version 2
        hint: this stackfleet reads version 1: set "version: 1""
    `);
    expect(formatProblems(lines('stacks: {}'))).toMatchInlineSnapshot(`
      "E_VERSION stacks.yaml:1:1 version: missing "version"
        hint: add "version: 1" at the top of the file"
    `);
  });

  it('reports an unknown runner and lists the valid ones (E_UNKNOWN_RUNNER)', () => {
    expect(
      formatProblems(lines('version: 1', 'stacks:', '  app:', '    path: a', '    runner: terragrunt', '  b:', '    path: b', '    runner: tofo')),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_RUNNER stacks.yaml:5:13 stacks.app.runner: unknown runner "terragrunt"
        hint: use one of: command, terraform, tofu
      E_UNKNOWN_RUNNER stacks.yaml:8:13 stacks.b.runner: unknown runner "tofo" (did you mean "tofu"?)
        hint: use one of: command, terraform, tofu"
    `);
  });

  it('reports a bad duration (E_DURATION)', () => {
    expect(
      formatProblems(
        lines('version: 1', 'stacks:', '  app:', '    path: a', '    timeout: 30 minutes', '    retries: { backoff: 1.5s }'),
      ),
    ).toMatchInlineSnapshot(`
      "E_DURATION stacks.yaml:5:14 stacks.app.timeout: invalid duration "30 minutes"
        hint: write whole numbers with units d, h, m, s or ms, largest first, e.g. "7d", "30m", "90s", "1h30m", "500ms"
      E_DURATION stacks.yaml:6:25 stacks.app.retries.backoff: invalid duration "1.5s"
        hint: write whole numbers with units d, h, m, s or ms, largest first, e.g. "7d", "30m", "90s", "1h30m", "500ms""
    `);
  });
});

describe('union and secret wording', () => {
  it('names every accepted type and uses the description as the hint', () => {
    expect(
      formatProblems(
        lines('version: 1', 'stacks:', '  app:', '    path: a', '    env: { A: [1] }', '    hooks: { afterApply: 5 }'),
      ),
    ).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:5:15 stacks.app.env.A: expected a string, a number or true/false, got a list
        hint: write a string; numbers and booleans are converted to strings
      E_TYPE stacks.yaml:6:26 stacks.app.hooks.afterApply: expected a string or a list, got 5
        hint: write a shell command or a list of them, run in order in the stack directory"
    `);
  });

  it('reports only the unknown key of a mistyped secret source', () => {
    expect(
      formatProblems(lines('version: 1', 'stacks:', '  app:', '    path: a', '    secrets: { T: { fromEnvv: X } }')),
    ).toMatchInlineSnapshot(`
      "E_UNKNOWN_KEY stacks.yaml:5:21 stacks.app.secrets.T.fromEnvv: unknown key "fromEnvv" (did you mean "fromEnv"?)
        hint: valid keys here: fromCommand, fromEnv, fromFile"
    `);
  });
});
