/** Fixtures shared by the component tests (not exported from the package). */
import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import type { ApplyFlow, ApplyReview, FleetStackInfo, RunHandle, StackDetails, UiActions } from './types.js';

export const fixedNow = Date.parse('2026-01-01T12:00:00.000Z');
export const fixedClock = (): number => fixedNow;

export function createFleet(): FleetStackInfo[] {
  return [
    { name: 'network', repo: 'platform', path: 'stacks/network', labels: ['prod', 'core'], runner: 'terraform', dependsOn: [], dependents: ['db', 'app'], lastStatus: 'succeeded', lastRunAt: '2026-01-01T10:00:00.000Z', outputCount: 3 },
    { name: 'db', repo: 'platform', path: 'stacks/db', labels: ['prod'], runner: 'tofu', dependsOn: ['network'], dependents: ['app'], lastStatus: 'failed', lastRunAt: '2026-01-01T11:55:00.000Z', outputCount: 0, lockedBy: 'alice', drift: 'drifted' },
    { name: 'app', repo: 'payments', path: 'stacks/app', labels: ['prod'], runner: 'terraform', dependsOn: ['network', 'db'], dependents: ['smoke'], outputCount: 1 },
    { name: 'smoke', path: 'checks/smoke', labels: ['test'], runner: 'command', dependsOn: ['app'], dependents: [], lastStatus: 'skipped', lastRunAt: '2025-12-30T12:00:00.000Z', outputCount: 0 },
  ];
}

export interface RecordedActions extends UiActions {
  calls: string[];
}

/** The review an apply's plan run comes to in these tests unless one is given: a plain question. */
export const askToApply: ApplyReview = { lines: [], question: 'Apply 2 stack(s) with changes?' };

/**
 * Actions that record every call; run actions hand out the given handles in
 * order (an apply: its plan run, then on `y` the next one). An apply's review
 * settles when its plan run emits `run.finished`.
 */
export function createActions(runs: RunHandle[] = [], details?: StackDetails, review: ApplyReview = askToApply): RecordedActions {
  const calls: string[] = [];
  const next = (): RunHandle => {
    const run = runs.shift();
    if (!run) throw new Error('no scripted run left');
    return run;
  };
  return {
    calls,
    plan: (stacks) => (calls.push(`plan ${stacks.join(',')}`), next()),
    apply: (stacks): ApplyFlow => {
      calls.push(`plan to apply ${stacks.join(',')}`);
      const planRun = next();
      return {
        planRun,
        review: new Promise((resolve) => planRun.subscribe((event) => event.type === 'run.finished' && resolve(review))),
        apply: () => (calls.push(`apply the plans of ${stacks.join(',')}`), next()),
      };
    },
    drift: (stacks) => (calls.push(`drift ${stacks.join(',')}`), next()),
    resume: async () => {
      calls.push('resume');
      return runs.shift() ?? { nothing: 'nothing to resume: no interrupted run' };
    },
    unlock: async (stack) => void calls.push(`unlock ${stack}`),
    loadDetails: async (stack) => {
      calls.push(`details ${stack}`);
      return details ?? { outputs: [], settings: [], history: [] };
    },
    addDependents: (stacks) => (calls.push(`dependents ${stacks.join(',')}`), [...stacks, 'app', 'smoke']),
  };
}

/** The last frame without ANSI codes and trailing spaces. */
export function clean(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

export const tick = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const keys = { up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B', ctrlC: '\u0003', tab: '\t', pageDown: '\u001B[6~', end: '\u001B[F' };

/** An 80x24 TTY for ink: what was written, and whether raw mode is on. */
export function createTestTerminal(): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; output: () => string; rawMode: () => boolean } {
  let output = '';
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        output += chunk.toString();
        callback();
      },
    }),
    { columns: 80, rows: 24, isTTY: true },
  ) as unknown as NodeJS.WriteStream;
  let rawMode = false;
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (enabled: boolean) => {
      rawMode = enabled;
      return stdin;
    },
    ref: () => stdin,
    unref: () => stdin,
  }) as unknown as NodeJS.ReadStream;
  return { stdout, stdin, output: () => output, rawMode: () => rawMode };
}
