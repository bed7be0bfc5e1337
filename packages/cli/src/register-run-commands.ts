import type { Command } from 'commander';
import { addSelectionOptions, lazy, type Handler } from './program.js';
import type { RunFlags } from './commands/execute-run.js';

const runCommands = () => import('./commands/run-commands.js');

type Bind = <O>(handler: Handler<O>) => (...args: unknown[]) => Promise<void>;
type WithExamples = (command: Command, name: string) => Command;

function addRunFlags(command: Command): Command {
  return addSelectionOptions(command)
    .option('--no-dependents', 'with --affected: do not add dependents of affected stacks')
    .option('--all-dependents', 'run dependents even when their upstream outputs did not change');
}

/** plan, apply, destroy, run, drift, affected. */
export function registerRunCommands(program: Command, bind: Bind, withExamples: WithExamples): void {
  withExamples(
    addRunFlags(program.command('plan').description('plan the selected stacks in dependency order'))
      .option('--detailed-exitcode', 'exit 2 when any stack has changes (0 none, 1 error)'),
    'plan',
  ).action(bind(lazy<RunFlags>(async () => (await runCommands()).runPlanCommand)));
  withExamples(
    addRunFlags(program.command('apply').description('plan, then apply the selected stacks in order, passing outputs downstream'))
      .option('--auto-approve', 'do not ask for confirmation (required when not in a terminal)')
      .option('--lock-timeout <duration>', 'wait this long for a stack locked by another run (default: fail at once)'),
    'apply',
  ).action(bind(lazy<RunFlags>(async () => (await runCommands()).runApplyCommand)));
  withExamples(
    addRunFlags(program.command('destroy').description('destroy the selected stacks in reverse dependency order'))
      .option('--auto-approve', 'do not ask for confirmation (required when not in a terminal)')
      .option('--lock-timeout <duration>', 'wait this long for a stack locked by another run'),
    'destroy',
  ).action(bind(lazy<RunFlags>(async () => (await runCommands()).runDestroyCommand)));
  withExamples(
    addRunFlags(program.command('run').description('run any command in each selected stack, in order').argument('[command...]', 'the command, after --')),
    'run',
  ).action(bind(lazy<RunFlags>(async () => (await runCommands()).runRunCommand)));
  withExamples(
    addRunFlags(program.command('drift').description('plan everything selected and record drift (exit 0 none, 2 drift, 1 error)'))
      .option('--remediate', 'apply drifted stacks that opt in with drift.remediate')
      .option('--due', 'only stacks whose drift.schedule has come due since their last check')
      .option('--report <file>', 'write a Markdown report')
      .option('--junit <file>', 'write a JUnit XML report')
      .option('--history', 'show recorded drift history instead of checking')
      .argument('[stack]', 'with --history: only this stack'),
    'drift',
  ).action(bind(lazy(async () => (await import('./commands/drift.js')).runDriftCommand)));
  withExamples(
    program
      .command('affected')
      .description('stacks changed since --base plus their dependents, with reasons')
      .option('--base <ref>', 'base git ref (default: merge-base with the default branch)')
      .option('--head <ref>', 'head git ref (default: the working tree)')
      .option('--why', 'print the reason chain for each stack')
      .option('--no-dependents', 'only the directly affected stacks'),
    'affected',
  ).action(bind(lazy(async () => (await import('./commands/affected.js')).runAffectedCommand)));
}
