import { createProblem, type ManifestRule, listStacks } from './rule-context.js';

/** A `runner: command` stack has nothing to run without `commands.apply`. */
export const validateCommands: ManifestRule = (context) =>
  listStacks(context.manifest)
    .filter((stack) => stack.runner === 'command' && stack.commands.apply === undefined)
    .map((stack) =>
      createProblem(context, {
        code: 'E_MISSING_COMMAND',
        path: ['stacks', stack.name, 'commands', 'apply'],
        message: 'runner "command" needs commands.apply',
        hint: 'add commands: { apply: "./apply.sh" } (plan and destroy are optional)',
      }),
    );
