import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, testEnv } from '../support/cli.js';

const FLEET = `version: 1
teams: { platform: [alice] }
stacks:
  one: { path: one, runner: command, commands: { plan: "exit 2", apply: "true" } }
policies:
  - file: policies/access.policy.yaml
`;
const ACCESS = `kind: access
rules:
  - name: platform-only
    effect: deny
    when: '!("platform" in input.run.actor.teams)'
    message: '"only the platform team runs " + input.run.command'
`;

describe('an access deny exits 3 whatever the command (issue #13)', () => {
  let dir: string;
  let cleanup: () => void;
  const stackfleet = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: testEnv({ STACKFLEET_ACTOR: actor }) });
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-access-exit-'));
    for (const sub of ['one', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'stacks.yaml'), FLEET);
    writeFileSync(join(dir, 'policies', 'access.policy.yaml'), ACCESS);
  });
  afterAll(() => cleanup());

  it.each([{ command: 'plan' }, { command: 'plan --detailed-exitcode' }, { command: 'drift' }, { command: 'apply --auto-approve' }])(
    'stackfleet $command: exit 3, the run recorded denied, nothing planned',
    ({ command }) => {
      const run = stackfleet('eve', ...command.split(' '), '--json');
      expect(run.code, run.stderr).toBe(3);
      const events = parseJsonLines(run.stdout);
      expect(events.find((event) => event.type === 'policy.evaluated')).toMatchObject({
        effect: 'deny',
        message: `only the platform team runs ${command.split(' ')[0]}`,
      });
      expect(events.filter((event) => event.type === 'stack.planned')).toEqual([]);
      expect(events.findLast((event) => event.type === 'run.finished')).toMatchObject({ status: 'denied' });
    },
  );

  it('lets the platform team through: plan and drift exit as without policies', () => {
    expect(stackfleet('alice', 'plan').code).toBe(0);
    expect(stackfleet('alice', 'plan', '--detailed-exitcode').code).toBe(2);
    expect(stackfleet('alice', 'drift').code).toBe(2);
  });
});
