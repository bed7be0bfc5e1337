import type { Command } from 'commander';
import type { Handler } from './program.js';
import { runOutputsCommand } from './commands/outputs.js';
import { runHistoryCommand, runShowCommand } from './commands/history.js';
import { runResumeCommand } from './commands/resume.js';
import { runLocksCommand, runUnlockCommand } from './commands/locks.js';
import { runUiCommand } from './commands/ui.js';

type Bind = <O>(handler: Handler<O>) => (...args: unknown[]) => Promise<void>;
type WithExamples = (command: Command, name: string) => Command;

/** outputs, history, show, resume, locks, unlock, ui. */
export function registerStateCommands(program: Command, bind: Bind, withExamples: WithExamples): void {
  withExamples(
    program
      .command('outputs')
      .description('the stored outputs of a stack (sensitive values masked)')
      .argument('<stack>', 'stack name')
      .option('--show-sensitive', 'reveal sensitive values (interactive terminals only)'),
    'outputs',
  ).action(bind(runOutputsCommand));
  withExamples(
    program.command('history').description('run history, or one stack\'s runs').argument('[stack]', 'stack name').option('--limit <n>', 'how many (default 20)'),
    'history',
  ).action(bind(runHistoryCommand));
  withExamples(program.command('show').description('one run: summary, stacks and log paths').argument('<run>', 'run id'), 'show').action(
    bind(runShowCommand),
  );
  withExamples(
    program
      .command('resume')
      .description('continue an interrupted or crashed run without re-applying finished stacks')
      .argument('[run]', 'run id (default: the newest interrupted run)')
      .option('--force', 'release locks of stacks that were in flight instead of waiting for them to expire'),
    'resume',
  ).action(bind(runResumeCommand));
  withExamples(program.command('locks').description('list stack locks'), 'locks').action(bind(runLocksCommand));
  withExamples(
    program.command('unlock').description('release a stack lock').argument('<stack>', 'stack name').option('--force', 'release even a live lock'),
    'unlock',
  ).action(bind(runUnlockCommand));
  withExamples(program.command('ui').description('the interactive terminal UI (default in a terminal)'), 'ui').action(bind(runUiCommand));
}
