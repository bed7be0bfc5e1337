import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type RunEvent, type RunPlan } from '@stackfleet/core';
import { MemoryStore, createTempDir, writeCommandFleet, type CommandFleetStack, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogFileReporter } from '../log/log-file-reporter.js';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { executeRunPlan, type ExecuteRunOptions } from './execute-run-plan.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

/** A fleet of real sh stacks, a plan over them (no edges), and the options to run it. */
async function createFleet(stacks: Record<string, CommandFleetStack>, manifest?: Record<string, unknown>) {
  const temp = await createTempDir('sf-execute-');
  temps.push(temp);
  const fleet = await writeCommandFleet(temp.path, { stacks, ...(manifest ? { manifest } : {}) });
  const parsed = parseManifest(await readFile(fleet.manifestFile, 'utf8'), 'stacks.yaml').manifest;
  const store = new MemoryStore();
  const stateDir = join(temp.path, '.stackfleet');
  const plan = (command: RunPlan['command'], only = Object.keys(stacks)): RunPlan => ({
    command,
    stacks: only.map((name) => ({ name, needs: [], reason: 'selected', onlyAsDependent: false })),
    concurrency: 1,
    limits: {},
    failFast: false,
  });
  const options = (events: RunEvent[], extra: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions => ({
    manifest: parsed,
    manifestDir: temp.path,
    manifestPath: fleet.manifestFile,
    repoDirs: {},
    stateDir,
    env: { PATH: process.env.PATH },
    store,
    adapters: { command: createCommandAdapter(), terraform: createCommandAdapter(), tofu: createCommandAdapter() },
    listeners: [createLogFileReporter(stateDir), (event) => events.push(event)],
    ...extra,
  });
  return { store, plan, options };
}

describe('executeRunPlan', () => {
  it('creates the run record, hands masked events to every listener in order, and finishes the record', async () => {
    const { store, plan, options } = await createFleet({ a: { plan: false }, b: { plan: false } });
    const events: RunEvent[] = [];
    const order: string[] = [];
    const result = await executeRunPlan(plan('apply'), {
      ...options(events, { selection: { stack: ['a', 'b'] }, repoShas: { '': 'abc123' } }),
      listeners: [(event) => order.push(`first ${event.type}`), { onEvent: (event) => order.push(`second ${event.type}`) }],
    });
    expect(result.status).toBe('succeeded');
    expect(order.slice(0, 2)).toEqual(['first run.started', 'second run.started']);
    const run = await store.getRun(result.runId);
    expect(run).toMatchObject({ command: 'apply', stacks: ['a', 'b'], selection: { stack: ['a', 'b'] }, repoShas: { '': 'abc123' }, status: 'succeeded', pid: process.pid });
    expect(run?.finishedAt).toBeDefined();
    expect(result.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
  });

  it('records argv of `run` in the selection, for resume', async () => {
    const { store, plan, options } = await createFleet({ a: {} });
    const result = await executeRunPlan(plan('run'), { ...options([]), runCommand: ['true'] });
    expect((await store.getRun(result.runId))?.selection).toEqual({ runCommand: ['true'] });
  });

  it('records a run that could not start as failed, and rethrows', async () => {
    const { store, plan, options } = await createFleet({ a: { extra: { secrets: { TOKEN: { fromEnv: 'UNSET_TOKEN' } } } } });
    await expect(executeRunPlan(plan('apply'), options([]))).rejects.toMatchObject({ code: 'E_SECRET_MISSING' });
    const [run] = await store.listRuns();
    expect(run).toMatchObject({ status: 'failed' });
  });

  it('continues a resumed run under its own id without running finished stacks again', async () => {
    const { store, plan, options } = await createFleet({ a: { plan: false }, b: { plan: false } });
    const first = await executeRunPlan(plan('apply'), options([]));
    const events: RunEvent[] = [];
    const resumed = await executeRunPlan(plan('apply'), {
      ...options(events),
      resume: { runId: first.runId, alreadyDone: new Map([['a', 'succeeded']]), refreshOutputs: new Set() },
    });
    expect(resumed.runId).toBe(first.runId);
    expect(events.filter((event) => event.type === 'stack.started').map((event) => (event as { stack: string }).stack)).toEqual(['b']);
    expect(await store.listRuns()).toHaveLength(1);
  });

  it("masks every secret of the run and every stored sensitive output, not only the stack's own, in events, log files and the store", async () => {
    const dbPassword = 'db-password-4242';
    const vaultToken = 'vault-token-0000';
    const { store, plan, options } = await createFleet({
      db: { plan: false, extra: { secrets: { DB_PASSWORD: { fromEnv: 'DB_PASSWORD' } } } },
      // Not in the run; only its stored outputs are.
      vault: { plan: false },
      // app neither declares the secret nor depends on db or vault, yet prints both values.
      app: { plan: false, exitCodes: { apply: 1 }, script: `echo "seen ${dbPassword} and ${vaultToken}"; echo "failed with ${dbPassword}" >&2` },
    });
    await store.setOutputs('vault', { token: { value: vaultToken, sensitive: true } }, 'earlier-run');
    const events: RunEvent[] = [];
    const result = await executeRunPlan(plan('apply', ['db', 'app']), options(events, { env: { PATH: process.env.PATH, DB_PASSWORD: dbPassword } }));
    const lines = events.flatMap((event) => (event.type === 'stack.log' && event.stack === 'app' ? [event.line] : []));
    expect(lines).toEqual(['seen *** and ***', 'failed with ***']);
    const finished = events.find((event) => event.type === 'stack.finished' && event.stack === 'app') as { logFile: string };
    expect(await readFile(finished.logFile, 'utf8')).toBe('seen *** and ***\nfailed with ***\n');
    for (const text of [JSON.stringify(events), JSON.stringify(store.transitions), JSON.stringify([...result.stacks])]) {
      expect(text).not.toContain(dbPassword);
      expect(text).not.toContain(vaultToken);
    }
  });
});
