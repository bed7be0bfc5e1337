import type { RunReporter } from '../run/run-reporter.js';
import { openStackLog, type StackLog } from './stack-log.js';

export interface LogFileReporterOptions {
  /**
   * Told once per stack whose log file stopped taking lines (a full disk);
   * the run goes on, the rest of that log is lost. @default nothing
   */
  onLogLost?: (stack: string, error: Error) => void;
}

/**
 * Writes each stack's lines to `<stateDir>/runs/<runId>/<stack>.log` (the
 * path the engine records as the stack's `logFile`). Lines arrive masked,
 * like every event. A file is opened at its stack's first line (appending, so
 * a resumed or retried stack keeps its earlier lines) and closed when the
 * stack finishes; a stack that printed nothing has no file (`logs` reads a
 * missing one as empty), which spares silent stacks an open and a close.
 * `close()` waits for every write.
 */
export function createLogFileReporter(stateDir: string, options: LogFileReporterOptions = {}): RunReporter {
  const open = new Map<string, Promise<StackLog>>();
  const pending = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>): void => {
    const settled = promise.catch(() => undefined).finally(() => pending.delete(settled));
    pending.add(settled);
  };
  const logOf = (runId: string, stack: string): Promise<StackLog> => {
    let log = open.get(stack);
    if (!log) {
      log = openStackLog(stateDir, runId, stack, (error) => options.onLogLost?.(stack, error));
      open.set(stack, log);
      track(log);
    }
    return log;
  };
  return {
    onEvent(event) {
      if (event.type === 'stack.log') {
        // Writes chain on the one open promise, so they land in order.
        track(logOf(event.runId, event.stack).then((log) => log.writeLine(event.line)));
      } else if (event.type === 'stack.finished') {
        const log = open.get(event.stack);
        if (!log) return;
        open.delete(event.stack);
        track(log.then((file) => file.close()));
      }
    },
    async close() {
      for (const [stack, log] of open) {
        open.delete(stack);
        track(log.then((file) => file.close()));
      }
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
