import type { Command } from 'commander';
import { lazy, type Handler } from './program.js';

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
  ).action(bind(lazy(async () => (await import('./commands/outputs.js')).runOutputsCommand)));
  withExamples(
    program.command('history').description('run history, or one stack\'s runs').argument('[stack]', 'stack name').option('--limit <n>', 'how many (default 20)'),
    'history',
  ).action(bind(lazy(async () => (await import('./commands/history.js')).runHistoryCommand)));
  withExamples(program.command('show').description('one run: summary, stacks and log paths').argument('<run>', 'run id'), 'show').action(
    bind(lazy(async () => (await import('./commands/history.js')).runShowCommand)),
  );
  withExamples(
    program
      .command('resume')
      .description('continue an interrupted or crashed run without re-applying finished stacks')
      .argument('[run]', 'run id (default: the newest interrupted run)')
      .option('--force', 'release locks of stacks that were in flight instead of waiting for them to expire'),
    'resume',
  ).action(bind(lazy(async () => (await import('./commands/resume.js')).runResumeCommand)));
  withExamples(program.command('locks').description('list stack locks'), 'locks').action(bind(lazy(async () => (await import('./commands/locks.js')).runLocksCommand)));
  withExamples(
    program.command('unlock').description('release a stack lock').argument('<stack>', 'stack name').option('--force', 'release even a live lock'),
    'unlock',
  ).action(bind(lazy(async () => (await import('./commands/locks.js')).runUnlockCommand)));
  withExamples(program
      .command('ui')
      .description('the interactive terminal UI (default in a terminal)')
      .option('--base <ref>', 'mark stacks affected since this git ref (default: merge-base with the default branch)'), 'ui').action(bind(lazy(async () => (await import('./commands/ui.js')).runUiCommand)));
}
