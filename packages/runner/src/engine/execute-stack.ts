import { mkdirSync } from 'node:fs';
import {
  assertInputsApplicable,
  collectUpstreamInputs,
  formatDuration,
  resolveStack,
  stackLogPath,
  runWorkDir,
  type ChangeSummary,
  type Outputs,
  type ResolvedStack,
} from '@stackfleet/core';
import { runHooks } from '../hooks/run-hooks.js';
import { sensitiveOutputValues } from '../mask/mask-deep.js';
import { stackFilesLedgerPath, writeStackFiles } from '../files/index.js';
import type { StackExecution } from '../stack-runner/types.js';
import { removePlanFiles } from '../stack-runner/remove-plan-files.js';
import { fingerprintStack } from '../saved-plans/fingerprint-stack.js';
import { isStorageFull, type EngineRun } from './engine-run.js';
import { readAbsentUpstreams } from './describe-absent-upstreams.js';
import { acquireStackLock, lostLockError, type HeldStackLock } from './stack-lock.js';
import { runStackPhases, type PhaseContext } from './stack-phases.js';
import { setLongTimeout } from '../timers/set-long-timeout.js';
import type { StackOutcome } from './types.js';

/** How a started stack ended, with what the orchestrator needs next. */
export interface ExecutedStack extends StackOutcome {
  changes?: ChangeSummary;
  logFile: string;
}

/**
 * Runs one stack end to end: read upstream outputs, resolve layers and
 * secrets, write context files, take the lock, run the phases with retries
 * under the stack's timeout. Files and lock are released in `finally`,
 * so a failing or interrupted stack leaves nothing behind. A failure becomes
 * a `failed` outcome; only a store write the disk refused (`E_STATE_FULL`) throws. Nothing here masks: `run.emit` and
 * `run.putState` do, with the run-wide masker.
 */
export async function executeStack(run: EngineRun, name: string): Promise<ExecutedStack> {
  const { options } = run;
  const startedAt = run.now();
  // Written by the log file reporter from this stack's `stack.log` events.
  const logFile = stackLogPath(options.stateDir, options.runId, name);
  let attemptLines: string[] = [];
  const onLine = (stream: 'stdout' | 'stderr', line: string): void => {
    attemptLines.push(line);
    run.emit({ type: 'stack.log', runId: options.runId, stack: name, stream, line, at: run.now().toISOString() });
  };

  const timeoutMs = options.manifest.stacks[name]?.timeoutMs;
  // The stack's processes stop on Ctrl-C (or a full disk), when its lock is taken from it, and at its
  // timeout, with the reason of whichever came first. One controller wired by hand: AbortSignal.any
  // registers weak references per call, a visible cost once per stack and walk of a run (issue #17).
  const stop = new AbortController();
  const { signal } = stop;
  let timedOut = false;
  let lockLost = false;
  const onInterrupt = (): void => stop.abort(run.interrupt.reason);
  if (run.interrupt.aborted) onInterrupt();
  else run.interrupt.addEventListener('abort', onInterrupt, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setLongTimeout(() => {
          timedOut = true;
          stop.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
        }, timeoutMs);
  let removeFiles: (() => Promise<void>) | undefined;
  const workDir = runWorkDir(options.stateDir, options.runId);
  let lock: HeldStackLock | undefined;
  let changes: ChangeSummary | undefined;
  const finish = (outcome: Omit<ExecutedStack, 'durationMs' | 'logFile'>): ExecutedStack => ({
    ...outcome,
    durationMs: run.now().getTime() - startedAt.getTime(),
    logFile,
  });

  // Written with the first phase's row, which follows at once; or before waiting on another holder's lock.
  const runningRow = { state: 'running', attempt: 1, startedAt: startedAt.toISOString(), logFile } as const;
  run.noteState(name, runningRow);
  run.emit({ type: 'stack.started', runId: options.runId, stack: name, at: startedAt.toISOString() });
  try {
    const { read: upstream, sensitive: sensitiveUpstream } = await readUpstreamOutputs(run, name);
    const inputs = collectUpstreamInputs(options.manifest, name, upstream);
    const absent = await readAbsentUpstreams(options.store, inputs.map((input) => input.upstream), upstream);
    const describeAbsent = (stack: string): string => {
      const destroyedIn = absent.get(stack);
      return destroyedIn ? `was destroyed in run ${destroyedIn}` : 'has never been applied';
    };
    if (run.command === 'plan' || run.command === 'drift') {
      for (const mocked of new Set(inputs.filter((input) => input.source === 'mock').map((input) => input.upstream))) {
        const destroyedIn = absent.get(mocked);
        onLine('stderr', `stackfleet: using mock outputs of ${mocked} (${destroyedIn ? `destroyed in run ${destroyedIn}` : 'never applied'})`);
      }
    }
    if (run.command === 'apply') assertInputsApplicable(options.manifest, name, upstream, describeAbsent);
    const resolved = resolveStack(options.manifest, name, {
      manifestDir: options.manifestDir,
      repoDirs: options.repoDirs,
      env: options.env,
      outputs: upstream,
    });
    // Read for the whole run before it started (`readRunSecrets`), relative to the manifest's directory.
    const secrets = run.secrets.get(name) ?? {};

    // Owner-only: plan files in it hold secrets in clear text. Made by the run's first stack, with one
    // synchronous call: awaiting the thread pool kept a stack's -j slot ~5 ms longer on a busy machine.
    if (!run.workDirMade) {
      mkdirSync(workDir, { recursive: true, mode: 0o700 });
      run.workDirMade = true;
    }
    removeFiles = await writeStackFiles(resolved.dir, resolved.files, { ledgerPath: stackFilesLedgerPath(options.stateDir, name) });
    const remediable = run.command === 'drift' && options.remediation?.stacks.has(name) === true;
    if (run.command === 'apply' || run.command === 'destroy' || remediable) {
      lock = await acquireStackLock({
        store: options.store,
        stack: name,
        holder: run.holder,
        ttlMs: run.lockTtlMs,
        timeoutMs: run.lockTimeoutMs,
        pollMs: run.lockPollMs,
        now: run.now,
        signal: run.interrupt,
        onWait: () => run.putState(name, runningRow),
        onLost: () => {
          onLine('stderr', `stackfleet: lost the lock on ${name} (it expired and was taken, or was force-unlocked); stopping the stack`);
          lockLost = true;
          stop.abort(lostLockError(name));
        },
      });
    }

    const execution: StackExecution = {
      runId: options.runId,
      stack: resolved,
      env: { ...run.processEnv, ...resolved.env, ...secrets },
      workDir,
      signal,
      ...(options.forceSignal ? { forceSignal: options.forceSignal } : {}),
      onLine,
      // A destroy plans its destroy too: the plan policies judge before a saved destroy plan is applied.
      ...(options.planDestroy || run.command === 'destroy' ? { planDestroy: true } : {}),
      onStep: (step) => run.emit({ type: 'stack.step', runId: options.runId, stack: name, step, at: run.now().toISOString() }),
    };
    const phases: PhaseContext = {
      run,
      name,
      execution,
      adapter: adapterFor(run, resolved),
      startedAt,
      logFile,
      resetAttemptLines: () => (attemptLines = []),
      attemptLines: () => attemptLines,
      onChanges: (summary) => (changes = summary),
      assertInputsApplicable: () => assertInputsApplicable(options.manifest, name, upstream, describeAbsent),
      ...(lock ? { assertLockHeld: () => lock!.assertHeld() } : {}),
      policySecrets: [...Object.values(secrets), ...run.hiddenEnvValues, ...sensitiveUpstream],
      fingerprint: (salt) =>
        fingerprintStack(
          {
            manifest: options.manifest,
            name,
            resolve: { manifestDir: options.manifestDir, repoDirs: options.repoDirs, env: options.env },
            upstream,
            secrets,
            resolved,
            stateDir: options.stateDir,
            ...(options.fingerprintCache ? { cache: options.fingerprintCache } : {}),
          },
          salt,
        ),
    };
    const result = await runStackPhases(phases).catch(async (error: unknown) => {
      // afterRun hooks run after failures too (notifications); their own failure must not hide the first.
      await runHooks('afterRun', execution, { STACKFLEET_STATUS: run.interrupt.aborted ? 'interrupted' : 'failed' }).catch(() => undefined);
      throw error;
    });
    await runHooks('afterRun', execution, { STACKFLEET_STATUS: result.status });
    return finish({ ...result, ...(changes ? { changes } : {}) });
  } catch (error) {
    // Not the stack's failure: the run stops on it (`runStacks`), and `resume` finds the stack where the store last saw it.
    if (isStorageFull(error)) throw error;
    const reason = lockLost ? 'lost lock' : timedOut && timeoutMs !== undefined ? `timed out after ${formatDuration(timeoutMs)}` : describeError(error);
    const exitCode = (error as { failure?: { exitCode?: number | null } }).failure?.exitCode ?? undefined;
    // Stopped because the operator pressed Ctrl-C, not failing on its own: `interrupted` (resume runs it again).
    const status = run.interrupt.aborted && !timedOut && !lockLost ? 'interrupted' : 'failed';
    return finish({ status, reason, ...(exitCode === undefined || exitCode === null ? {} : { exitCode }), ...(changes ? { changes } : {}) });
  } finally {
    run.interrupt.removeEventListener('abort', onInterrupt);
    timer?.clear();
    // Only terraform and tofu write plan files.
    const planFiles = options.manifest.stacks[name]?.runner === 'command' ? undefined : removePlanFiles(workDir, name);
    const [, stopped] = await Promise.allSettled([removeFiles?.(), lock?.stop(), planFiles]);
    // The lock row goes with the stack's final row, in one commit (the next holder waits that much longer).
    const release = stopped.status === 'fulfilled' ? stopped.value : undefined;
    if (release) run.deferUntilFinished(name, release);
  }
}

/**
 * Outputs of every upstream this stack reads: this run's fresh ones, else the
 * stored ones. Their sensitive values join the run's masker before anything
 * runs (another process may have applied them since the run started).
 */
async function readUpstreamOutputs(
  run: EngineRun,
  name: string,
): Promise<{ read: (stack: string) => Record<string, unknown> | undefined; sensitive: string[] }> {
  const upstreamNames = new Set(collectUpstreamInputs(run.options.manifest, name, () => undefined).map((input) => input.upstream));
  const known = new Map<string, Record<string, unknown>>();
  const sensitive: string[] = [];
  for (const upstream of upstreamNames) {
    const outputs: Outputs | undefined = run.freshOutputs.get(upstream) ?? (await run.options.store.getOutputs(upstream))?.outputs;
    if (outputs === undefined) continue;
    const values = [...sensitiveOutputValues(outputs)];
    sensitive.push(...values);
    run.masker.add(values);
    known.set(upstream, Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value])));
  }
  return { read: (stack) => known.get(stack), sensitive };
}

function adapterFor(run: EngineRun, resolved: ResolvedStack) {
  const adapter = run.options.adapters[resolved.runner];
  if (!adapter) throw new Error(`no adapter for runner "${resolved.runner}"`);
  return adapter;
}

/** An error as a stack's reason: its message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
