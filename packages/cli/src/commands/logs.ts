import { open, stat } from 'node:fs/promises';
import { stackLogPath, StackfleetError, type RunEvent, type RunRecord, type Store } from '@stackfleet/core';
import { followRun, isQueueStore, type QueueStore } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { listenForInterrupts } from '../runtime/interrupts.js';

export interface LogsFlags {
  follow?: boolean;
}

/**
 * `stackfleet logs RUN [STACK] [--follow]`: a run's log lines, from any
 * machine. PostgreSQL: the lines workers (or a local run's process) wrote to
 * the database; SQLite: this machine's log files. One stack prints bare
 * lines; the whole run prints `stack | line`. `--json`: the `stack.log` events.
 * `--follow` waits for new lines until the run ends (Ctrl-C stops following,
 * never the run).
 */
export async function runLogsCommand(context: CommandContext, flags: LogsFlags, args: string[]): Promise<number> {
  const [runId, stack] = args;
  if (runId === undefined) throw new StackfleetError('E_USAGE', 'logs needs a run id', { hint: 'see `stackfleet history` for run ids' });
  const fleet = context.readFleet();
  const store = openStore(fleet, context.io.env);
  try {
    const run = await store.getRun(runId);
    if (!run) throw new StackfleetError('E_UNKNOWN_RUN', `no run "${runId}" in this fleet's store`, { hint: 'see `stackfleet history` for run ids' });
    if (stack !== undefined && !run.stacks.includes(stack)) {
      throw new StackfleetError('E_UNKNOWN_STACK', `run ${runId} has no stack "${stack}"`, { hint: `its stacks: ${run.stacks.join(', ')}` });
    }
    const print = createLinePrinter(context, run, stack);
    if (isQueueStore(store) && (await store.getQueuedRun(runId)) !== undefined) await printDatabaseLogs(context, store, run, print, Boolean(flags.follow));
    else await printLogFiles(fleet, store, run, stack, print, Boolean(flags.follow));
    return 0;
  } finally {
    await store.close();
  }
}

type LinePrinter = (stack: string, line: string, event?: RunEvent) => void;

function createLinePrinter(context: CommandContext, run: RunRecord, only: string | undefined): LinePrinter {
  const width = Math.max(0, ...run.stacks.map((name) => name.length));
  return (stack, line, event) => {
    if (only !== undefined && stack !== only) return;
    if (context.global.json) writeLine(context.io.stdout, JSON.stringify(event ?? { type: 'stack.log', runId: run.id, stack, stream: 'stdout', line }));
    else writeLine(context.io.stdout, only === undefined ? `${stack.padEnd(width)} | ${line}` : line);
  };
}

async function printDatabaseLogs(context: CommandContext, store: QueueStore, run: RunRecord, print: LinePrinter, follow: boolean): Promise<void> {
  const onEvent = (event: RunEvent): void => {
    if (event.type === 'stack.log') print(event.stack, event.line, event);
  };
  if (follow && run.finishedAt === undefined) {
    const interrupts = listenForInterrupts();
    try {
      // Ctrl-C stops following: the graceful signal is not passed, so the run is never cancelled from here.
      await followRun({ store, runId: run.id, listeners: [onEvent], forceSignal: interrupts.signal, note: context.note });
    } finally {
      interrupts.dispose();
    }
    return;
  }
  for (let after = 0; ; ) {
    const batch = await store.readRunEvents(run.id, after);
    if (batch.length === 0) return;
    for (const { seq, event } of batch) {
      after = seq;
      onEvent(event);
    }
  }
}

/** SQLite: the log files under `<stateDir>/runs/<run>/`, in run order; `--follow` reads on until the run is over. */
async function printLogFiles(fleet: Fleet, store: Store, run: RunRecord, only: string | undefined, print: LinePrinter, follow: boolean): Promise<void> {
  const stacks = only === undefined ? run.stacks : [only];
  const offsets = new Map<string, number>();
  const pending = new Map<string, string>();
  const interrupts = follow ? listenForInterrupts() : undefined;
  try {
    for (;;) {
      const finished = (await store.getRun(run.id))?.finishedAt !== undefined;
      let printed = false;
      for (const stack of stacks) printed = (await printNewLines(fleet, run.id, stack, offsets, pending, print)) || printed;
      if (!follow || interrupts?.signal.aborted || (finished && !printed)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // An unterminated last line is still a line.
    for (const [stack, rest] of pending) if (rest !== '') print(stack, rest);
  } finally {
    interrupts?.dispose();
  }
}

async function printNewLines(fleet: Fleet, runId: string, stack: string, offsets: Map<string, number>, pending: Map<string, string>, print: LinePrinter): Promise<boolean> {
  const path = stackLogPath(fleet.stateDir, runId, stack);
  const size = await stat(path).then((info) => info.size, () => 0);
  const from = offsets.get(stack) ?? 0;
  if (size <= from) return false;
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size - from);
    await file.read(buffer, 0, buffer.length, from);
    offsets.set(stack, size);
    const lines = ((pending.get(stack) ?? '') + buffer.toString('utf8')).split('\n');
    pending.set(stack, lines.pop() ?? '');
    for (const line of lines) print(stack, line);
    return true;
  } finally {
    await file.close();
  }
}
