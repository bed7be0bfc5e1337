/**
 * Bench helper: pushes a scripted run of N stacks through the real ink renderer
 * into a null stream and reports the wall time, next to the same event stream
 * pushed with no UI attached (the floor any reporter pays).
 */
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { render } from 'ink';
import type { RunEvent } from '@stackfleet/core';
import { KeyRouter } from './key-router.js';
import { RunView } from './run-view.js';
import { createScriptedRun, type ScriptedRun } from './scripted-run.js';
import { ColorContext } from './theme.js';

export interface ScriptedRunOptions {
  /** @default 2000 */
  stacks?: number;
  /** @default 8 */
  concurrency?: number;
  /** Log lines per stack. @default 5 */
  logLines?: number;
  /** Event batching interval of the run view. @default 16 */
  batchMs?: number;
  /** Terminal size of the null stream. @default 80x24 */
  columns?: number;
  rows?: number;
}

export interface ScriptedRunResult {
  stacks: number;
  events: number;
  /** Wall time with the ink UI rendering every batch. */
  uiMs: number;
  /** Wall time of the same stream with no reporter attached. */
  baselineMs: number;
  /** Bytes ink wrote to the null stream. */
  bytesWritten: number;
  /** Frames ink rendered, and the time spent computing them. */
  renders: number;
  renderMs: number;
}

/** The scripted events of one run, in waves of `concurrency` stacks (one array per macrotask). */
export function buildScriptedRunEvents(options: ScriptedRunOptions = {}): RunEvent[][] {
  const { stacks = 2000, concurrency = 8, logLines = 5 } = options;
  const runId = 'bench';
  const at = new Date(0).toISOString();
  const names = Array.from({ length: stacks }, (_, index) => `stack-${String(index).padStart(5, '0')}`);
  const chunks: RunEvent[][] = [[{ type: 'run.started', runId, command: 'apply', stacks: names, concurrency, at }]];
  for (let start = 0; start < names.length; start += concurrency) {
    const wave = names.slice(start, start + concurrency);
    const chunk: RunEvent[] = [];
    for (const stack of wave) {
      chunk.push({ type: 'stack.queued', runId, stack, at }, { type: 'stack.started', runId, stack, at });
      for (const step of ['init', 'plan', 'apply', 'outputs'] as const) chunk.push({ type: 'stack.step', runId, stack, step, at });
      for (let line = 0; line < logLines; line += 1) chunk.push({ type: 'stack.log', runId, stack, stream: 'stdout', line: `${stack}: line ${line} secret=***`, at });
    }
    chunks.push(chunk);
    chunks.push(wave.map((stack, index): RunEvent => ({ type: 'stack.finished', runId, stack, status: index % 50 === 7 ? 'failed' : 'succeeded', durationMs: 1000 + index, at })));
  }
  const summary = { total: stacks, succeeded: stacks, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 1 };
  chunks.push([{ type: 'run.finished', runId, status: 'succeeded', summary, at }]);
  return chunks;
}

/** Renders a scripted run through `RunView` into a null stream; resolves with timings. */
export async function renderScriptedRun(options: ScriptedRunOptions = {}): Promise<ScriptedRunResult> {
  const chunks = buildScriptedRunEvents(options);
  const events = chunks.reduce((count, chunk) => count + chunk.length, 0);

  const baselineStart = performance.now();
  await pushChunks(createScriptedRun(), chunks);
  const baselineMs = performance.now() - baselineStart;

  let bytesWritten = 0;
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        bytesWritten += chunk.length;
        callback();
      },
    }),
    { columns: options.columns ?? 80, rows: options.rows ?? 24, isTTY: false },
  ) as unknown as NodeJS.WriteStream;
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin }) as unknown as NodeJS.ReadStream;

  let renders = 0;
  let renderMs = 0;
  const uiStart = performance.now();
  const run = createScriptedRun();
  const instance = render(
    <ColorContext.Provider value>
      <KeyRouter>
        <RunView run={run} rows={options.rows ?? 24} columns={options.columns ?? 80} clock={Date.now} onExit={() => undefined} batchMs={options.batchMs ?? 16} />
      </KeyRouter>
    </ColorContext.Provider>,
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      onRender: ({ renderTime }) => {
        renders += 1;
        renderMs += renderTime;
      },
    },
  );
  await pushChunks(run, chunks);
  // Let the last batch (16ms) reach the screen before stopping the clock.
  await new Promise((resolve) => setTimeout(resolve, 20));
  instance.unmount();
  const uiMs = performance.now() - uiStart;
  return { stacks: options.stacks ?? 2000, events, uiMs, baselineMs, bytesWritten, renders, renderMs };
}

async function pushChunks(run: ScriptedRun, chunks: readonly RunEvent[][]): Promise<void> {
  for (const chunk of chunks) {
    for (const event of chunk) run.emit(event);
    await yieldToLoop();
  }
}
