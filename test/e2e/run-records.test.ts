import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, startStackfleet } from '../support/cli.js';

/** Issue #12 item 7: run records tell the truth (crashed and Ctrl-C are in crash-resume, the terminal in tui-terminal). */
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function fleet(yaml: string, stacks: string[]): string {
  const { dir, cleanup } = makeTempDir('stackfleet-records-e2e-');
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const name of stacks) mkdirSync(join(dir, name), { recursive: true });
  return dir;
}

function latestRunId(dir: string): string {
  return (JSON.parse(runStackfleet(['history', '--json', '--limit', '1'], { cwd: dir }).stdout) as { id: string }).id;
}

/** `show RUN`'s stack table as `stack: status: detail` lines. */
function showRows(dir: string, runId: string): string[] {
  const show = runStackfleet(['show', runId], { cwd: dir });
  expect(show.code, show.stderr).toBe(0);
  const table = show.stdout.split('\n\n')[1] ?? '';
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s{2,}/))
    .map(([stack, status, , detail]) => `${stack}: ${status}: ${detail ?? ''}`.trimEnd());
}

describe('a run that stops before a stack starts says why', () => {
  it('stores which secrets were missing, stack by stack, and show prints it', () => {
    const dir = fleet(
      `version: 1
contexts:
  creds: { secrets: { TOKEN: { fromEnv: RECORDS_E2E_TOKEN } } }
stacks:
  network: { runner: command, path: network, commands: { apply: "true" } }
  app: { runner: command, path: app, dependsOn: [network], contexts: [creds], commands: { apply: "true" } }
`,
      ['network', 'app'],
    );
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(1);
    const runId = latestRunId(dir);
    expect(runStackfleet(['show', runId], { cwd: dir }).stdout).toContain(`run ${runId}: apply failed`);
    expect(showRows(dir, runId)).toEqual([
      'network: skipped: not started: secrets of app cannot be read',
      'app: failed: secret TOKEN of context creds: environment variable RECORDS_E2E_TOKEN is not set',
    ]);
  });

  it('stores a mocked input refusal and a held lock as the stack\'s reason', async () => {
    const dir = fleet(
      `version: 1
stacks:
  network: { runner: command, path: network, commands: { apply: "sleep 3; echo '{\\"vpc\\": \\"v-1\\"}' > $STACKFLEET_OUTPUTS" } }
  app:
    runner: command
    path: app
    dependsOn: [{ stack: network, outputs: { vpc: VPC }, mock: { vpc: v-mock } }]
    commands: { apply: "true" }
`,
      ['network', 'app'],
    );
    // app alone: network never applied, so its input would be the mock.
    expect(runStackfleet(['apply', '--auto-approve', '--stack', 'app'], { cwd: dir }).code).toBe(1);
    const [mocked] = showRows(dir, latestRunId(dir));
    expect(mocked).toMatch(/^app: failed: .*network.*has never been applied/);

    // network held by another process: the second apply stores who holds it.
    const holder = startStackfleet(['apply', '--auto-approve', '--stack', 'network'], { cwd: dir });
    const deadline = Date.now() + 15_000;
    while (!holder.output().stdout.includes('network | started')) {
      if (Date.now() > deadline) throw new Error(`network never started: ${holder.output().stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runStackfleet(['apply', '--auto-approve', '--stack', 'network'], { cwd: dir }).code).toBe(1);
    const [locked] = showRows(dir, latestRunId(dir));
    expect(locked).toMatch(/^network: failed: .*locked by \S+ pid \d+ \(run \S+\)/);
    expect((await holder.done).code).toBe(0);
  }, 60_000);
});

describe('NDJSON events', () => {
  it('every event of a run carries `at`, an ISO timestamp', () => {
    const dir = fleet(
      `version: 1
stacks:
  network: { runner: command, path: network, commands: { plan: "echo planning; exit 2", apply: "echo applying" } }
  app: { runner: command, path: app, dependsOn: [network], commands: { plan: "exit 1", apply: "true" } }
`,
      ['network', 'app'],
    );
    const events = parseJsonLines(runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir }).stdout);
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set(['run.started', 'stack.queued', 'stack.started', 'stack.step', 'stack.log', 'stack.planned', 'stack.finished', 'run.finished']),
    );
    for (const event of events) expect(event, JSON.stringify(event)).toMatchObject({ at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
  });
});

describe('a drift run\'s summary line agrees with its exit code', () => {
  it('reads drift found with exit 2, no drift with exit 0, failed with exit 1', () => {
    const dir = fleet(
      `version: 1
stacks:
  network: { runner: command, path: network, commands: { plan: "exit $(cat ../network.plan)", apply: "true" } }
  app: { runner: command, path: app, commands: { plan: "exit 0", apply: "true" } }
`,
      ['network', 'app'],
    );
    const drift = (planExit: number) => {
      writeFileSync(join(dir, 'network.plan'), String(planExit));
      const result = runStackfleet(['drift'], { cwd: dir });
      const summary = result.stdout.split('\n').find((line) => /: 2 stacks, /.test(line)) ?? '';
      return { code: result.code, summary };
    };
    expect(drift(2)).toEqual({ code: 2, summary: expect.stringMatching(/^drift found: 2 stacks, 1 changed, 1 unchanged in /) as unknown });
    expect(drift(0)).toEqual({ code: 0, summary: expect.stringMatching(/^no drift: 2 stacks, 2 unchanged in /) as unknown });
    expect(drift(1)).toEqual({ code: 1, summary: expect.stringMatching(/^failed: 2 stacks, /) as unknown });
  });
});
