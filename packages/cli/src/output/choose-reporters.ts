import type { RunPlan, Store } from '@stackfleet/core';
import { createLogFileReporter, type RunListener } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import type { RunReportCollector } from '../github/collect-run-report.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { createNdjsonReporter } from '../reporters/ndjson-reporter.js';
import { createPlainReporter } from '../reporters/plain-reporter.js';
import { listenForInterrupts, type Interrupts } from '../runtime/interrupts.js';
import { chooseOutputMode, shouldUseColor } from './choose-output-mode.js';

/** A caller that shows the run itself (the fleet UI's actions): its listeners and its Ctrl-C. */
export interface CallerPresentation {
  listeners: RunListener[];
  interrupts: Interrupts;
}

/** How one run is shown and stopped. */
export interface Presentation {
  /** Attached to the run, in this order. */
  listeners: RunListener[];
  interrupts: Interrupts;
  /** Shows the run while it runs: the live UI renders until `run` settles; reporters need nothing. */
  show(run: Promise<unknown>): Promise<void>;
  dispose(): void;
}

/**
 * The one place that decides what a run is shown with (STYLE.md habit 5):
 * log files always; then the caller's own listeners, or NDJSON (`--json`,
 * with the plain lines on stderr), plain CI lines, or the ink live run view,
 * as `chooseOutputMode` says.
 */
export async function chooseReporters(
  context: CommandContext,
  run: { fleet: Fleet; plan: RunPlan; store: Store; caller?: CallerPresentation; github?: RunReportCollector },
): Promise<Presentation> {
  const presentation = await chooseShownReporters(context, run);
  // `--github`: the report for the PR is built beside whatever shows the run.
  return run.github ? { ...presentation, listeners: [...presentation.listeners, run.github] } : presentation;
}

async function chooseShownReporters(
  context: CommandContext,
  run: { fleet: Fleet; plan: RunPlan; store: Store; caller?: CallerPresentation; github?: RunReportCollector },
): Promise<Presentation> {
  const { io, global } = context;
  const logFiles = createLogFileReporter(run.fleet.stateDir, {
    onLogLost: (stack, error) => context.note(`warning: the log file of ${stack} cannot be written (${(error as NodeJS.ErrnoException).code ?? error.message}); the rest of its log is lost, the run goes on`),
  });
  if (run.caller) return { listeners: [logFiles, ...run.caller.listeners], interrupts: run.caller.interrupts, show: async () => undefined, dispose: () => undefined };
  const mode = chooseOutputMode({ json: global.json, ci: global.ci, stdoutIsTTY: Boolean(io.stdout.isTTY), stdinIsTTY: Boolean(io.stdin.isTTY), env: io.env });
  if (mode === 'tui') return chooseLiveUi(context, run.plan, run.store, logFiles);
  const interrupts = listenForInterrupts(() => context.note('stopping: waiting for running stacks (Ctrl-C again to kill them)'));
  // With --json, stdout carries NDJSON only and the human lines go to stderr (SPEC §4).
  const human = mode === 'json' ? io.stderr : io.stdout;
  const lines = createPlainReporter({
    out: human,
    color: shouldUseColor({ color: global.color, env: io.env, isTTY: Boolean(human.isTTY) }),
    // In a GitHub Actions log each stack's lines fold into one `::group::`.
    ...(run.github ? { groupLogs: true } : {}),
  });
  const listeners = mode === 'json' ? [logFiles, createNdjsonReporter(io.stdout), lines] : [logFiles, lines];
  return { listeners, interrupts, show: async () => undefined, dispose: () => interrupts.dispose() };
}

/**
 * In a terminal, a run command shows the ink live run view (the same one as
 * `stackfleet ui`); Ctrl-C arrives as a key there, or as SIGINT from outside.
 * The run starts while the view loads (ui/start-live-view.ts).
 */
async function chooseLiveUi(context: CommandContext, plan: RunPlan, store: Store, logFiles: RunListener): Promise<Presentation> {
  // Development React is several times slower; set before React loads.
  process.env.NODE_ENV ??= 'production';
  const { startLiveView } = await import('../ui/start-live-view.js');
  const interrupts = listenForInterrupts();
  const { io, global } = context;
  const view = startLiveView({
    store,
    stacks: plan.stacks.map((stack) => stack.name),
    interrupts,
    ui: {
      color: shouldUseColor({ color: global.color, env: io.env, isTTY: true }),
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
    },
  });
  return { listeners: [logFiles, view.listener], interrupts, show: (run) => view.show(run), dispose: () => interrupts.dispose() };
}
