import { availableParallelism } from 'node:os';
import {
  buildRunPlan,
  StackfleetError,
  type RunCommand,
  type RunEvent,
  type RunPlan,
  type StackStatus,
} from '@stackfleet/core';
import { runStacks, type DriftRemediation, type RunResult } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import type { SelectionOptions } from '../options.js';
import { chooseOutputMode, shouldUseColor } from '../output/choose-output-mode.js';
import { createNdjsonReporter } from '../reporters/ndjson-reporter.js';
import { createPlainReporter } from '../reporters/plain-reporter.js';
import { listenForInterrupts, type Interrupts } from '../runtime/interrupts.js';
import { openRuntime, openStore } from '../runtime/open-runtime.js';
import { createRunId } from '../runtime/run-id.js';

export interface RunFlags extends SelectionOptions {
  autoApprove?: boolean;
  detailedExitcode?: boolean;
  /** Milliseconds: parsed at the flag. */
  lockTimeout?: number;
  allDependents?: boolean;
  dependents?: boolean;
  /** `plan --destroy`. */
  destroy?: boolean;
}

/** `-j`, else settings.concurrency, else min(4, CPUs). */
export function resolveConcurrency(context: CommandContext, fleet: Fleet): number {
  return (
    context.global.concurrency ??
    fleet.loaded.manifest.settings.concurrency ??
    Math.max(1, Math.min(4, availableParallelism()))
  );
}

/** Builds the pure RunPlan for a command over the selected stacks. */
export async function buildPlanForCommand(context: CommandContext, fleet: Fleet, command: RunCommand, flags: RunFlags): Promise<RunPlan> {
  const selection = await context.select(fleet, flags);
  return buildRunPlan(fleet.graph, selection, {
    command,
    concurrency: resolveConcurrency(context, fleet),
    limits: fleet.loaded.manifest.settings.limits,
    failFast: Boolean(context.global.failFast),
  });
}

export interface ExecuteOptions {
  fleet: Fleet;
  plan: RunPlan;
  flags: RunFlags;
  runCommand?: string[];
  /** Resume: continue this run instead of starting a new one. */
  resume?: { runId: string; alreadyDone: Map<string, StackStatus>; refreshOutputs?: Set<string> };
  /** Extra listener (drift reports, the UI). */
  onEvent?: (event: RunEvent) => void;
  /** Print nothing of the run itself (the caller renders). */
  quiet?: boolean;
  /** Who stops the run; default: this process's SIGINT/SIGTERM. */
  interrupts?: Interrupts;
  /** `drift --remediate`: which drifted stacks apply their sweep plan. */
  remediation?: DriftRemediation;
}

/** The IO part of plan/apply/destroy/run/drift/resume: runtime, reporters, signals, the engine, the store. */
export async function executeRun(context: CommandContext, options: ExecuteOptions): Promise<RunResult & { runId: string }> {
  const { io, global } = context;
  const { fleet, plan } = options;
  const mode = chooseOutputMode({
    json: global.json,
    ci: global.ci,
    stdoutIsTTY: Boolean(io.stdout.isTTY),
    stdinIsTTY: Boolean(io.stdin.isTTY),
    env: io.env,
  });
  if (mode === 'tui' && !options.quiet) return executeRunWithLiveUi(context, options);
  const reporter = options.quiet
    ? () => undefined
    : mode === 'json'
      ? createNdjsonReporter(io.stdout)
      : createPlainReporter({ out: io.stdout, color: shouldUseColor({ color: global.color, env: io.env, isTTY: Boolean(io.stdout.isTTY) }) });
  const runtime = await openRuntime(fleet, io.env, context.note);
  const runId = options.resume?.runId ?? createRunId();
  const interrupts =
    options.interrupts ?? listenForInterrupts(() => context.note('stopping: waiting for running stacks (Ctrl-C again to kill them)'));
  try {
    if (options.resume) {
      await runtime.store.reopenRun?.(runId, { host: runtime.host, pid: process.pid });
    } else {
      await runtime.store.createRun({
        id: runId,
        command: plan.command,
        selection: { ...options.flags, runCommand: options.runCommand },
        stacks: plan.stacks.map((stack) => stack.name),
        startedBy: runtime.startedBy,
        host: runtime.host,
        pid: process.pid,
        repoShas: runtime.repoShas,
        manifestPath: fleet.manifestPath,
        startedAt: new Date().toISOString(),
        status: 'running',
      });
    }
    const result = await runStacks(plan, {
      runId,
      manifest: fleet.loaded.manifest,
      manifestDir: fleet.manifestDir,
      repoDirs: runtime.repoDirs,
      stateDir: fleet.stateDir,
      env: io.env,
      store: runtime.store,
      adapters: runtime.adapters,
      signal: interrupts.signal,
      forceSignal: interrupts.forceSignal,
      runCommand: options.runCommand,
      allDependents: options.flags.allDependents,
      ...(options.flags.destroy ? { planDestroy: true } : {}),
      lockTimeoutMs: options.flags.lockTimeout ?? 0,
      ...readLockTuning(io.env),
      alreadyDone: options.resume?.alreadyDone,
      refreshOutputs: options.resume?.refreshOutputs,
      remediation: options.remediation,
      onEvent: (event) => {
        reporter(event);
        options.onEvent?.(event);
      },
    });
    // The engine records the run's end itself, before it emits run.finished.
    return { ...result, runId };
  } catch (error) {
    // Nothing ran (e.g. a secret could not be read): the run is over, not resumable.
    await runtime.store.finishRun(runId, 'failed', new Date().toISOString()).catch(() => undefined);
    throw error;
  } finally {
    interrupts.dispose();
    await runtime.close();
  }
}

/**
 * `STACKFLEET_LOCK_TTL_MS` (lease length, default 60000; renewed every third
 * of it) and `STACKFLEET_LOCK_POLL_MS` (poll interval while waiting for a
 * lock, default 1000). Short leases make a crashed holder on another host
 * expire sooner; tests use them too.
 */
export function readLockTuning(env: Record<string, string | undefined>): { lockTtlMs?: number; lockPollMs?: number } {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new StackfleetError('E_USAGE', `Expected \`${name}\` to be a whole number of milliseconds from 1 and up, got \`${text}\``, {
        hint: `unset ${name} or set it to e.g. 60000`,
      });
    }
    return value;
  };
  const ttl = read('STACKFLEET_LOCK_TTL_MS');
  const poll = read('STACKFLEET_LOCK_POLL_MS');
  return { ...(ttl === undefined ? {} : { lockTtlMs: ttl }), ...(poll === undefined ? {} : { lockPollMs: poll }) };
}

/**
 * In a terminal, a run command shows the ink live run view (the same one as
 * `stackfleet ui`); Ctrl-C arrives as a key there, or as SIGINT from outside.
 */
async function executeRunWithLiveUi(context: CommandContext, options: ExecuteOptions): Promise<RunResult & { runId: string }> {
  // Development React is several times slower; set before React loads.
  process.env.NODE_ENV ??= 'production';
  const [{ runLiveRunUi }, { createRunHandle }, { readExpectedDurations }] = await Promise.all([
    import('@stackfleet/tui'),
    import('../ui/create-run-handle.js'),
    import('../ui/read-expected-durations.js'),
  ]);
  const store = openStore(options.fleet, context.io.env);
  const expected = await readExpectedDurations(store, options.plan.stacks.map((stack) => stack.name)).finally(() => store.close());
  const interrupts = options.interrupts ?? listenForInterrupts();
  let result: (RunResult & { runId: string }) | undefined;
  const handle = createRunHandle(async (hooks) => {
    result = await executeRun(context, {
      ...options,
      ...hooks,
      onEvent: (event) => {
        hooks.onEvent(event);
        options.onEvent?.(event);
      },
    });
  }, interrupts, expected);
  try {
    const { io, global } = context;
    await runLiveRunUi({
      run: handle,
      color: shouldUseColor({ color: global.color, env: io.env, isTTY: true }),
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
    });
    await handle.done;
  } finally {
    interrupts.dispose();
  }
  if (!result) throw new Error('the run ended without a result');
  return result;
}

/** SPEC §4 exit codes for run commands. */
export function exitCodeFor(command: RunCommand, result: RunResult, detailedExitcode = false): number {
  if (result.status === 'denied') return 3;
  if (result.status !== 'succeeded') return 1;
  if (command === 'plan' && detailedExitcode) return result.summary.changed > 0 ? 2 : 0;
  return 0;
}

export function requireApproval(context: CommandContext, command: 'apply' | 'destroy', flags: RunFlags): void {
  if (flags.autoApprove) return;
  if (context.io.stdin.isTTY && context.io.stdout.isTTY && !context.global.ci && !context.global.json) return;
  throw new StackfleetError('E_APPROVAL_REQUIRED', `${command} needs approval but there is no terminal to ask in`, {
    hint: `review with \`stackfleet plan\`, then run \`stackfleet ${command} --auto-approve\``,
  });
}
