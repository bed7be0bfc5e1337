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
 * --force.
 */
export async function runResumeCommand(context: CommandContext, options: { force?: boolean; runType?: RunFlags['runType'] }, args: string[]): Promise<number> {
  const fleet = context.readFleet();
  const prepared = await prepareResume(context, fleet, args[0], Boolean(options.force));
  if (!prepared) {
    writeLine(context.io.stdout, 'nothing to resume: no interrupted run');
    return 0;
  }
  const flags = options.runType === undefined ? prepared.flags : { ...prepared.flags, runType: options.runType };
  const result = await executeRun(context, { ...prepared, flags });
  printApprovalHint(context, result);
  // A resumed `plan --save` (or an interactive apply's planning, cut off by Ctrl-C) says, like plan --save, which run to apply.
  if (prepared.savePlans && prepared.plan.command === 'plan') announceSavedPlan(context, result.runId, result.status === 'succeeded');
  return exitCodeFor(prepared.plan.command, result);
}
