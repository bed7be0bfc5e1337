/**
 * An `engine: exec` policy is decided when its `sh -c` exits, not when its
 * pipes close (issue #13): a command that leaves a background process behind
 * holding stdout or stderr is neither waited for nor reported as timed out.
 * Real scripts through the built CLI.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, startStackfleet } from '../support/cli.js';

describe('exec policies that leave a process holding their pipes', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-pipes-'));
    for (const sub of ['cmd', 'policies']) mkdirSync(join(dir, sub));
  });
  afterAll(() => cleanup());

  /** Plans the stack under one exec policy (timeout 2s) running `command`; resolves with the run's events. */
  async function planWith(command: string) {
    writeFileSync(
      join(dir, 'stacks.yaml'),
      'version: 1\nstacks:\n  cmd: { path: cmd, runner: command, commands: { plan: "exit 2", apply: "true" } }\npolicies:\n  - file: policies/bg.policy.yaml\n',
    );
    writeFileSync(join(dir, 'policies', 'bg.policy.yaml'), `kind: plan\nengine: exec\ntimeout: 2s\ncommand: ${JSON.stringify(command)}\n`);
    const result = await startStackfleet(['plan', '--stack', 'cmd', '--json'], { cwd: dir }).done;
    expect(result.code, result.stderr).toBe(0);
    return { events: parseJsonLines(result.stdout) };
  }

  it('a background process in the group holding stderr: the decision is the command\'s, not "timed out"', async () => {
    const { events } = await planWith(`sleep 20 >/dev/null & echo '{"warn": ["checked"]}'`);
    expect(events.filter((event) => event.type === 'policy.evaluated')).toMatchObject([{ stack: 'cmd', effect: 'warn', message: 'checked' }]);
    expect(events.find((event) => event.type === 'stack.finished')).toMatchObject({ stack: 'cmd', status: 'changed' });
  });

  it('a process that left the group (setsid) holding stdout: the decision comes without waiting for it', async () => {
    const hold = join(dir, 'policies', 'hold');
    const released = join(dir, 'policies', 'released');
    writeFileSync(hold, '');
    try {
      // It holds the pipes for 10 s at most (then writes `released`); the run waited for that, then denied "timed out after 2s".
      const holder =
        "setsid sh -c 'touch detached; for i in $(seq 100); do [ -e hold ] || break; sleep 0.1; done; touch released' & until [ -e detached ]; do sleep 0.01; done;";
      const { events } = await planWith(`${holder} echo '{"warn": ["checked"]}'`);
      expect(events.filter((event) => event.type === 'policy.evaluated')).toMatchObject([{ stack: 'cmd', effect: 'warn', message: 'checked' }]);
      expect(existsSync(released)).toBe(false);
    } finally {
      rmSync(hold, { force: true });
    }
  });
});
