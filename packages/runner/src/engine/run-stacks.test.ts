import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest, PlannedStack, PolicyCheck, PolicyGate, RunCommand, RunEvent, StackRunRecord, StackSpec } from '@stackfleet/core';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { MemoryStore, createTempDir, maxConcurrency, readIntervals, writeCommandFleet, type CommandFleetStack, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogFileReporter } from '../log/log-file-reporter.js';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { runStacks } from './run-stacks.js';
import type { RunOptions } from './types.js';

interface TestStack extends CommandFleetStack {
  /** StackSpec keys beyond what the fleet script needs (env, secrets, files, timeoutMs, retries, ...). */
  spec?: Partial<StackSpec>;
}

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

/** A fleet of real sh stacks in a temp dir, its Manifest, and a runner over a MemoryStore. */
async function createFleet(stacks: Record<string, TestStack>, manifestExtra: Partial<Manifest> = {}) {
  const temp = await createTempDir('sf-engine-');
  temps.push(temp);
  const fleet = await writeCommandFleet(temp.path, { stacks });
  const specs: Record<string, StackSpec> = {};
  for (const [name, stack] of Object.entries(stacks)) {
    specs[name] = {
      name,
      path: `stacks/${name}`,
      runner: 'command',
      labels: stack.labels ?? [],
      contexts: [],
      vars: {},
      env: {},
      secrets: {},
      files: {},
      hooks: {},
      watch: [],
      dependsOn: (stack.dependsOn ?? []).map((entry) => (typeof entry === 'string' ? { stack: entry, outputs: {} } : { outputs: {}, ...entry })),
      after: [],
      commands: { ...(stack.plan === false ? {} : { plan: './stack.sh' }), apply: './stack.sh', destroy: './stack.sh' },
      retries: { attempts: 1, on: [], backoffMs: 10 },
      ...stack.spec,
    };
  }
  const manifest: Manifest = {
    version: 1,
    source: 'stacks.yaml',
    repos: {},
    settings: { stateDir: '.stackfleet', limits: {} },
    variables: {},
    contexts: {},
    stacks: specs,
    policies: [], teams: {},
    ...manifestExtra,
  };
  const store = new MemoryStore();
  let runs = 0;

  async function run(
    command: RunCommand,
    options: { concurrency?: number; failFast?: boolean; only?: string[]; onlyAsDependent?: string[]; onEvent?: (event: RunEvent) => void } & Partial<RunOptions> = {},
  ) {
    const { concurrency = 4, failFast = false, only, onlyAsDependent = [], onEvent, ...rest } = options;
    const events: RunEvent[] = [];
    const runId = `run-${++runs}`;
    const logs = createLogFileReporter(join(temp.path, '.stackfleet'));
    const result = await runStacks(buildPlan(manifest, command, { concurrency, failFast, only, onlyAsDependent }), {
      runId,
      manifest,
      manifestDir: temp.path,
      repoDirs: {},
      stateDir: join(temp.path, '.stackfleet'),
      env: { PATH: process.env.PATH },
      store,
      adapters: { command: createCommandAdapter(), terraform: createCommandAdapter(), tofu: createCommandAdapter() },
      reporters: [
        logs,
        {
          onEvent: (event) => {
            events.push(event);
            onEvent?.(event);
          },
        },
      ],
      ...rest,
    }).finally(() => logs.close());
    const finished = (stack: string) => events.find((event) => event.type === 'stack.finished' && event.stack === stack);
    const lines = (stack: string) => events.flatMap((event) => (event.type === 'stack.log' && event.stack === stack ? [event.line] : []));
    return { result, events, finished, lines, runId };
  }
  return { dir: temp.path, fleet, manifest, store, run, intervals: () => readIntervals(fleet.logFile) };
}

/** Topological order with name ties, needs = in-run dependsOn + after; destroy reversed like buildRunPlan. */
function buildPlan(
  manifest: Manifest,
  command: RunCommand,
  options: { concurrency: number; failFast: boolean; only?: string[]; onlyAsDependent: string[] },
) {
  const names = (options.only ?? Object.keys(manifest.stacks)).sort();
  const needs = new Map(names.map((name) => {
    const spec = manifest.stacks[name]!;
    return [name, [...spec.dependsOn.map((dependency) => dependency.stack), ...spec.after].filter((upstream) => names.includes(upstream)).sort()];
  }));
  if (command === 'destroy') {
    const reversed = new Map(names.map((name) => [name, [] as string[]]));
    for (const [name, upstream] of needs) for (const need of upstream) reversed.get(need)!.push(name);
    needs.clear();
    for (const [name, list] of reversed) needs.set(name, list.sort());
  }
  const order: string[] = [];
  while (order.length < names.length) {
    const next = names.find((name) => !order.includes(name) && needs.get(name)!.every((upstream) => order.includes(upstream)));
    order.push(next!);
  }
  const stacks: PlannedStack[] = order.map((name) => ({
    name,
    needs: needs.get(name)!,
    reason: 'selected',
    onlyAsDependent: options.onlyAsDependent.includes(name),
  }));
  return { command, stacks, concurrency: options.concurrency, limits: manifest.settings.limits, failFast: options.failFast };
}

describe('runStacks: order and limits', () => {
  it('starts each stack of a diamond as soon as its own dependencies are done, and records every transition', async () => {
    const { run, intervals, store } = await createFleet({
      a: { durationMs: 50 },
      b: { dependsOn: ['a'], durationMs: 50 },
      c: { dependsOn: ['a'], durationMs: 250 },
      d: { dependsOn: ['b', 'c'] },
      e: { dependsOn: ['b'] },
    });
    const { result } = await run('apply', { concurrency: 4 });
    expect(result.status).toBe('succeeded');
    expect(result.summary).toMatchObject({ total: 5, succeeded: 5 });
    const applies = (await intervals()).filter((interval) => interval.phase === 'apply');
    const at = (stack: string) => applies.find((interval) => interval.stack === stack)!;
    expect(at('b').start).toBeGreaterThanOrEqual(at('a').end!);
    expect(at('c').start).toBeGreaterThanOrEqual(at('a').end!);
    expect(at('d').start).toBeGreaterThanOrEqual(Math.max(at('b').end!, at('c').end!));
    // e does not wait for c (no level-by-level scheduling).
    expect(at('e').start).toBeLessThan(at('c').end!);
    // One `running` row: the stack's start is written with its plan phase's row, which follows at once.
    const rowsOfA = store.transitions.filter((record) => record.stack === 'a');
    expect(rowsOfA.map((record) => record.state)).toEqual(['pending', 'running', 'planned', 'applying', 'succeeded']);
    expect(rowsOfA[1]).toMatchObject({ phase: 'plan', startedAt: expect.any(String), logFile: expect.any(String) });
  });

  it('never runs more than -j stacks, nor more than the label limit', async () => {
    const stacks: Record<string, TestStack> = {};
    for (const name of ['p1', 'p2', 'p3', 'p4']) stacks[name] = { labels: ['prod'], durationMs: 120, plan: false };
    for (const name of ['q1', 'q2', 'q3', 'q4']) stacks[name] = { durationMs: 120, plan: false };
    const { run, intervals } = await createFleet(stacks, { settings: { stateDir: '.stackfleet', limits: { prod: 1 } } });
    const { result } = await run('apply', { concurrency: 3 });
    expect(result.status).toBe('succeeded');
    const all = await intervals();
    expect(all).toHaveLength(8);
    expect(maxConcurrency(all)).toBe(3);
    expect(maxConcurrency(all.filter((interval) => interval.stack.startsWith('p')))).toBe(1);
  });

  it('with -j 1 starts the stack with the longest remaining chain first', async () => {
    const { run, intervals } = await createFleet({
      a: { plan: false },
      x1: { plan: false },
      x2: { plan: false, dependsOn: ['x1'] },
      x3: { plan: false, dependsOn: ['x2'] },
    });
    await run('apply', { concurrency: 1 });
    // By name `a` would go first; x1 heads a chain of 3. After x1, x2 (chain 2) beats a (1); then a ties x3 and wins by name.
    expect((await intervals()).map((interval) => interval.stack)).toEqual(['x1', 'x2', 'a', 'x3']);
  });

  it('destroys in reverse order and forgets the outputs', async () => {
    const { run, intervals, store } = await createFleet({
      network: { plan: false, outputs: { vpc_id: 'vpc-1' } },
      app: { plan: false, dependsOn: ['network'] },
    });
    await run('apply');
    expect(await store.getOutputs('network')).toBeDefined();
    const { result } = await run('destroy');
    expect(result.status).toBe('succeeded');
    const destroys = (await intervals()).filter((interval) => interval.phase === 'destroy');
    expect(destroys.map((interval) => interval.stack)).toEqual(['app', 'network']);
    expect(destroys[1]!.start).toBeGreaterThanOrEqual(destroys[0]!.end!);
    expect(await store.getOutputs('network')).toBeUndefined();
  });

  it('does not run stacks an earlier attempt of the run finished (resume)', async () => {
    const { run, intervals } = await createFleet({ a: { plan: false }, b: { plan: false, dependsOn: ['a'] } });
    const { result, events } = await run('apply', { alreadyDone: new Map([['a', 'succeeded']]) });
    expect(result.status).toBe('succeeded');
    expect((await intervals()).map((interval) => interval.stack)).toEqual(['b']);
    // The kept stack gets no event of its own: run.started names it, so views count it done.
    expect(events.find((event) => event.type === 'run.started')).toMatchObject({ stacks: ['a', 'b'], alreadyDone: [{ stack: 'a', status: 'succeeded' }] });
  });

  it('names no kept stacks on run.started of a run that is not a resume', async () => {
    const { run } = await createFleet({ a: { plan: false } });
    const { events } = await run('apply');
    expect(events.find((event) => event.type === 'run.started')).not.toHaveProperty('alreadyDone');
  });
});

describe('runStacks: failures', () => {
  const failing = {
    a: { plan: false, exitCodes: { apply: 3 } },
    b: { plan: false, dependsOn: ['a'] },
    c: { plan: false, durationMs: 50 },
  } satisfies Record<string, TestStack>;

  it('skips the dependents of a failed stack and lets independent stacks go on', async () => {
    const { run } = await createFleet(failing);
    const { result, finished } = await run('apply', { concurrency: 1 });
    expect(result.status).toBe('failed');
    expect(finished('a')).toMatchObject({ status: 'failed', reason: 'apply exited with code 3', exitCode: 3 });
    expect(finished('b')).toMatchObject({ status: 'skipped', reason: 'dependency a failed' });
    expect(finished('c')).toMatchObject({ status: 'succeeded' });
  });

  it('starts nothing new after a failure with failFast', async () => {
    const { run, intervals } = await createFleet(failing);
    const { result, finished } = await run('apply', { concurrency: 1, failFast: true });
    expect(result.status).toBe('failed');
    expect(finished('c')).toMatchObject({ status: 'skipped', reason: 'run stopped after a failed (--fail-fast)' });
    expect((await intervals()).map((interval) => interval.stack)).toEqual(['a']);
  });

  it('kills a stack that runs past its timeout', async () => {
    const { run } = await createFleet({ slow: { plan: false, durationMs: 5000, spec: { timeoutMs: 300 } } });
    const { finished } = await run('apply');
    expect(finished('slow')).toMatchObject({ status: 'failed', reason: 'timed out after 300ms' });
  });

  it('lets a stack run under a timeout past setTimeout limit (600h; it fired at once, issue #13)', async () => {
    const { run } = await createFleet({ slow: { plan: false, durationMs: 50, spec: { timeoutMs: 600 * 3_600_000 } } });
    const { finished } = await run('apply');
    expect(finished('slow')).toMatchObject({ status: 'succeeded' });
  });

  it('retries when a failed attempt printed a matching line, with backoff', async () => {
    const flaky = 'if [ ! -f tried ]; then touch tried; echo "HTTP 429 Too Many Requests"; exit 1; fi';
    const { run, intervals } = await createFleet({
      flaky: { plan: false, script: flaky, spec: { retries: { attempts: 2, on: ['/HTTP 4\\d\\d/'], backoffMs: 20 } } },
      other: { plan: false, script: flaky, spec: { retries: { attempts: 3, on: ['503'], backoffMs: 20 } } },
    });
    const { finished, lines } = await run('apply');
    expect(finished('flaky')).toMatchObject({ status: 'succeeded' });
    expect(lines('flaky')).toContain('stackfleet: apply failed with output matching "/HTTP 4\\d\\d/"; attempt 2 of 2 in 20ms');
    expect(finished('other')).toMatchObject({ status: 'failed' });
    expect((await intervals()).filter((interval) => interval.stack === 'flaky')).toHaveLength(2);
    expect((await intervals()).filter((interval) => interval.stack === 'other')).toHaveLength(1);
  });

  it('on interrupt forwards SIGINT, waits for running stacks and starts nothing new', async () => {
    const { run, intervals } = await createFleet({
      a: { plan: false, durationMs: 5000, trapInterrupt: true },
      b: { plan: false, dependsOn: ['a'] },
    });
    const controller = new AbortController();
    // Interrupt once the script is really running (and has set its trap), however slow the machine is.
    const abortWhenRunning = async (): Promise<void> => {
      while ((await intervals()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      setTimeout(() => controller.abort(), 100);
    };
    const { result, finished, events } = await run('apply', {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'stack.started') void abortWhenRunning();
      },
    });
    expect(result.status).toBe('interrupted');
    expect(events.find((event) => event.type === 'run.interrupting')).toMatchObject({ waitingFor: ['a'] });
    expect(finished('a')).toMatchObject({ status: 'interrupted', reason: 'apply was interrupted' });
    expect(finished('b')).toMatchObject({ status: 'skipped' });
    const [a] = await intervals();
    expect(a).toMatchObject({ stack: 'a', interrupted: true });
  });
});

describe('runStacks: second interrupt', () => {
  it('kills a stack that ignores SIGINT when forceSignal aborts', async () => {
    const { run, intervals } = await createFleet({ stubborn: { plan: false, script: "trap '' INT; sleep 5" } });
    const first = new AbortController();
    const second = new AbortController();
    const interruptTwice = async (): Promise<void> => {
      while ((await intervals()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      setTimeout(() => first.abort(), 100);
      setTimeout(() => second.abort(), 400);
    };
    const { result, finished } = await run('apply', {
      signal: first.signal,
      forceSignal: second.signal,
      onEvent: (event) => {
        if (event.type === 'stack.started') void interruptTwice();
      },
    });
    expect(result.status).toBe('interrupted');
    expect(finished('stubborn')).toMatchObject({ status: 'interrupted' });
    // SIGKILLed: its script never reached its EXIT trap, which `sleep 5` ending on its own would have.
    expect((await intervals())[0]).toMatchObject({ stack: 'stubborn' });
    expect((await intervals())[0]?.end).toBeUndefined();
  });
});

describe('runStacks: outputs, secrets, files and locks', () => {
  const echoInputs = 'echo "vpc=$VPC_ID subnet=$SUBNET"';
  const passing = (mock?: Record<string, unknown>) =>
    ({
      network: { plan: false, outputs: { vpc_id: 'vpc-123', subnet_id: 'subnet-9' } },
      app: {
        // With mocks app gets a plan command, so the plan phase really runs and prints its inputs.
        plan: mock !== undefined,
        dependsOn: [{ stack: 'network', outputs: { vpc_id: 'VPC_ID' }, ...(mock ? { mock } : {}) }],
        script: echoInputs,
        spec: { env: { SUBNET: '${{ stacks.network.outputs.subnet_id }}' } },
      },
    }) satisfies Record<string, TestStack>;

  it('passes outputs downstream directly and by interpolation, and keeps them for later runs', async () => {
    const { run, store } = await createFleet(passing());
    const first = await run('apply');
    expect(first.result.status).toBe('succeeded');
    expect(first.lines('app')).toEqual(['vpc=vpc-123 subnet=subnet-9']);
    expect((await store.getOutputs('network'))?.outputs).toEqual({
      vpc_id: { value: 'vpc-123', sensitive: false },
      subnet_id: { value: 'subnet-9', sensitive: false },
    });
    const second = await run('apply', { only: ['app'] });
    expect(second.lines('app')).toEqual(['vpc=vpc-123 subnet=subnet-9']);
  });

  it('serves mocks to plans while the upstream was never applied, and refuses to apply with them', async () => {
    const { run } = await createFleet(passing({ vpc_id: 'vpc-mock', subnet_id: 'subnet-mock' }));
    const planned = await run('plan', { only: ['app'] });
    expect(planned.finished('app')).toMatchObject({ status: 'changed' });
    expect(planned.lines('app')).toEqual(['stackfleet: using mock outputs of network (never applied)', 'vpc=vpc-mock subnet=subnet-mock']);
    const applied = await run('apply', { only: ['app'] });
    expect(applied.finished('app')).toMatchObject({
      status: 'failed',
      reason: 'stack app: input vpc_id from network is a mock (network has never been applied); apply network first',
    });
    expect(applied.lines('app')).toEqual([]);
  });

  it('reports dependents unchanged when every upstream left its outputs unchanged, unless allDependents', async () => {
    const { run, intervals } = await createFleet(passing());
    await run('apply');
    const again = await run('apply', { onlyAsDependent: ['app'] });
    expect(again.finished('app')).toMatchObject({ status: 'unchanged', reason: 'outputs of network unchanged' });
    expect((await intervals()).filter((interval) => interval.stack === 'app')).toHaveLength(1);
    // A selected stack always runs; so does a dependent with --all-dependents.
    await run('apply');
    await run('apply', { onlyAsDependent: ['app'], allDependents: true });
    expect((await intervals()).filter((interval) => interval.stack === 'app')).toHaveLength(3);
  });

  it('masks secrets in events and log files, and removes context files even when the stack fails', async () => {
    const secret = 'hunter2-very-secret';
    const { run, dir } = await createFleet({
      app: {
        plan: false,
        exitCodes: { apply: 1 },
        script: 'echo "token=$TOKEN"; echo "$TOKEN" >&2; cat ctx.auto.tfvars',
        spec: { secrets: { TOKEN: { fromEnv: 'APP_TOKEN' } }, files: { 'ctx.auto.tfvars': 'region = "eu"' } },
      },
    });
    const { finished, lines, events } = await run('apply', { env: { PATH: process.env.PATH, APP_TOKEN: secret } });
    expect(finished('app')).toMatchObject({ status: 'failed' });
    expect(lines('app')).toEqual(['token=***', '***', 'region = "eu"']);
    expect(JSON.stringify(events)).not.toContain(secret);
    const logFile = (finished('app') as { logFile: string }).logFile;
    expect(await readFile(logFile, 'utf8')).toBe('token=***\n***\nregion = "eu"\n');
    expect(existsSync(join(dir, 'stacks', 'app', 'ctx.auto.tfvars'))).toBe(false);
  });

  it('refuses to start when a secret is missing, naming the context and key', async () => {
    const context = { name: 'aws-prod', attachTo: { labels: ['*'] }, priority: 10, env: {}, vars: {}, files: {}, hooks: {}, secrets: { DB_PASSWORD: { fromEnv: 'PROD_DB_PASSWORD' } } };
    const { run, intervals } = await createFleet({ a: { plan: false }, b: { plan: false } }, { contexts: { 'aws-prod': context } });
    await expect(run('apply')).rejects.toMatchObject({
      code: 'E_SECRET_MISSING',
      message: expect.stringMatching(/DB_PASSWORD.*aws-prod.*PROD_DB_PASSWORD is not set/),
    });
    expect(await intervals()).toEqual([]);
  });

  it("releases a stack's lock with its final row, in one transaction where the store can; a stack waiting for a lock shows as running meanwhile", async () => {
    const { run, store } = await createFleet({ network: { plan: false } });
    const batches: Array<{ rows: string[]; locks: [number, number] }> = [];
    Object.assign(store, {
      writeTogether: async (writes: () => ReadonlyArray<Promise<unknown>>) => {
        const [locks, rows] = [(await store.listLocks()).length, store.transitions.length];
        await Promise.all(writes());
        batches.push({ rows: store.transitions.slice(rows).map((row) => row.state), locks: [locks, (await store.listLocks()).length] });
      },
    });
    expect((await run('apply')).result.status).toBe('succeeded');
    expect(batches).toEqual([{ rows: ['succeeded'], locks: [1, 0] }]);
    // No `running` row of its own: the apply's row follows at once.
    expect(store.transitions.map((row) => row.state)).toEqual(['pending', 'applying', 'succeeded']);

    const other = { host: 'ci-7', pid: 4242, runId: 'other-run' };
    await store.acquireLock('network', other, 60_000, new Date());
    setTimeout(() => void store.releaseLock('network', other), 150);
    const waited = store.transitions.length;
    expect((await run('apply', { lockTimeoutMs: 5_000, lockPollMs: 10 })).result.status).toBe('succeeded');
    expect(store.transitions.slice(waited).map((row) => row.state)).toEqual(['pending', 'running', 'applying', 'succeeded']);
    expect(await store.listLocks()).toEqual([]);
  });

  it('fails a stack locked by another holder, naming it, and leaves no lock of its own', async () => {
    const { run, store } = await createFleet({ network: { plan: false } });
    await store.acquireLock('network', { host: 'ci-7', pid: 4242, runId: 'other-run' }, 60_000, new Date());
    const { finished, result } = await run('apply', { lockTimeoutMs: 50, lockPollMs: 10 });
    expect(result.status).toBe('failed');
    expect((finished('network') as { reason: string }).reason).toMatch(/^stack network is locked by ci-7 pid 4242 \(run other-run\)/);
    await store.forceUnlock('network');
    const retried = await run('apply');
    expect(retried.result.status).toBe('succeeded');
    expect(await store.listLocks()).toEqual([]);
  });
});

describe('runStacks: the run ends only after every stack settled', () => {
  /** A promise and the function that resolves it (Promise.withResolvers is Node 22). */
  function createLatch(): { promise: Promise<void>; open: () => void } {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  }

  /**
   * A store slow where it hurts: a's final row is held until c's is written,
   * and c's until a's is being written. Both stacks have ended, c settles
   * first, and a has not yet released its dependent b to the scheduler: the
   * window a store with real latency (PostgreSQL) opens by chance, and
   * SQLite's when two stacks end in one tick. The run used to end there, b
   * (and a a second time) "skipped: not started", and b started after it.
   */
  function holdUpstreamFinalRow(store: MemoryStore): void {
    const aWriting = createLatch();
    const cWritten = createLatch();
    const putStackRun = store.putStackRun.bind(store);
    const isFinal = (record: StackRunRecord) => !['pending', 'running', 'planned', 'applying'].includes(record.state);
    Object.assign(store, {
      putStackRun: async (record: StackRunRecord) => {
        const final = isFinal(record);
        if (final && record.stack === 'a') {
          aWriting.open();
          await cWritten.promise;
        }
        if (final && record.stack === 'c') await aWriting.promise;
        await putStackRun(record);
        if (final && record.stack === 'c') cWritten.open();
      },
    });
  }

  /** Each stack's `stack.finished` statuses, and the events that came after `run.finished`. */
  function describeEvents(events: RunEvent[]) {
    const finished: Record<string, string[]> = {};
    for (const event of events) if (event.type === 'stack.finished') (finished[event.stack] ??= []).push(event.status);
    const end = events.findIndex((event) => event.type === 'run.finished');
    return { finished, afterEnd: events.slice(end + 1).map((event) => event.type) };
  }

  it("waits for a stack whose final row is still being written when the other stacks have settled", async () => {
    const { run, store } = await createFleet({ a: {}, b: { dependsOn: ['a'] }, c: {} });
    holdUpstreamFinalRow(store);
    const { result, events, runId } = await run('apply', { concurrency: 4 });
    expect(describeEvents(events)).toEqual({ finished: { a: ['succeeded'], b: ['succeeded'], c: ['succeeded'] }, afterEnd: [] });
    expect(result.status).toBe('succeeded');
    expect(result.summary).toMatchObject({ total: 3, succeeded: 3 });
    expect((await store.listStackRuns(runId)).map((row) => `${row.stack} ${row.state}`).sort()).toEqual(['a succeeded', 'b succeeded', 'c succeeded']);
  });

  it('ends a stack whose plan awaits approval as its policy says, after its upstream settled late (plan: changed; apply: awaiting approval)', async () => {
    const { run, store } = await createFleet({ a: {}, b: { dependsOn: ['a'] }, c: {} });
    const allow: PolicyCheck = { verdict: 'allow', decisions: [] };
    const approval: PolicyCheck = { verdict: 'awaiting_approval', decisions: [{ policy: 'w', rule: 'w', effect: 'require_approval', message: 'w' }] };
    const gate: PolicyGate = { checkAccess: async () => allow, checkStack: async ({ stack }) => (stack === 'b' ? approval : allow), checkRun: async () => allow };
    holdUpstreamFinalRow(store);
    const plan = await run('plan', { concurrency: 4, policyGate: gate });
    expect(describeEvents(plan.events)).toEqual({ finished: { a: ['changed'], b: ['changed'], c: ['changed'] }, afterEnd: [] });
    expect(plan.result.status).toBe('succeeded');

    holdUpstreamFinalRow(store);
    const apply = await run('apply', { concurrency: 4, policyGate: gate });
    expect(describeEvents(apply.events)).toEqual({ finished: { a: ['succeeded'], b: ['awaiting_approval'], c: ['succeeded'] }, afterEnd: [] });
    expect(apply.result.status).toBe('awaiting_approval');
  });
});
