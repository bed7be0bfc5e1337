/**
 * Ctrl-C while a slow CEL policy evaluates. CEL runs on stackfleet's main
 * thread, so the signal is handled only once the evaluation returns; it must
 * still stop the stack (interrupted, nothing applied), not be lost while
 * the stack goes on to apply what was judged. A real SIGINT to the built CLI.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, startStackfleet } from '../support/cli.js';

// v12 holds 4,096 values; the rule compares every pair: some 17 million steps, seconds of CPU.
const doublings = Array.from({ length: 12 }, (_, index) => `  v${index + 1}: variables.v${index} + variables.v${index}`).join('\n');
const SLOW_CEL = `kind: plan
variables:
  v0: '[1.0]'
${doublings}
rules:
  - name: pairs
    effect: warn
    when: variables.v12.exists(x, variables.v12.exists(y, y == 2.0))
`;

describe('Ctrl-C during a slow CEL policy', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-cel-interrupt-'));
    for (const sub of ['db', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      'version: 1\nstacks:\n  db: { path: db, runner: command, commands: { plan: "touch planned; exit 2", apply: "touch applied" } }\npolicies:\n  - file: policies/slow.policy.yaml\n',
    );
    writeFileSync(join(dir, 'policies', 'slow.policy.yaml'), SLOW_CEL);
  });
  afterAll(() => cleanup());

  it('is not lost: the stack ends interrupted and is not applied', async () => {
    const run = startStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(dir, 'db', 'planned'))) {
      if (Date.now() > deadline) throw new Error(`db was never planned:\n${run.output().stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The plan is done: the policy is being evaluated now (it takes seconds).
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    const events = parseJsonLines(result.stdout);
    expect(events.find((event) => event.type === 'stack.finished' && event.stack === 'db')).toMatchObject({ status: 'interrupted' });
    expect(events.find((event) => event.type === 'run.finished')).toMatchObject({ status: 'interrupted' });
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);
  }, 60_000);
});
