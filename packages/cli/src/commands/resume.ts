import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { executeRun, exitCodeFor, printApprovalHint, type RunFlags } from './execute-run.js';
import { prepareResume } from './prepare-resume.js';
import { announceSavedPlan } from './run-commands.js';

/**
 * `stackfleet resume [RUN] [--force]`: continue an interrupted or crashed
 * run. Stacks that finished are not run again; a stack whose apply was in
 * flight runs again only once its lock is free (the engine's lock acquisition
 * waits for the lease to expire or finds the holder dead), or at once with
 * --force. A run queued with `--remote` (or any run, with `--remote`) goes
 * back to the workers: followed again while they are still on it, else its
 * unfinished stacks are queued again.
 */
export async function runResumeCommand(
  context: CommandContext,
  options: { force?: boolean; runType?: RunFlags['runType']; remote?: boolean },
  args: string[],
): Promise<number> {
  const fleet = context.readFleet();
  const prepared = await prepareResume(context, fleet, args[0], Boolean(options.force));
  if (!prepared) {
    writeLine(context.io.stdout, 'nothing to resume: no interrupted run');
    return 0;
  }
  // A run queued with --remote is resumed on workers (its flags say so); --remote sends a local one there too.
  const flags = { ...prepared.flags, ...(options.runType === undefined ? {} : { runType: options.runType }), ...(options.remote ? { remote: true } : {}) };
  const result = await executeRun(context, { ...prepared, flags });
  printApprovalHint(context, result);
  // A resumed `plan --save` (or an interactive apply's planning, cut off by Ctrl-C) says, like plan --save, which run to apply.
  if (prepared.savePlans && prepared.plan.command === 'plan') announceSavedPlan(context, result.runId, result.status === 'succeeded');
  return exitCodeFor(prepared.plan.command, result);
}
