import type { CommandContext } from '../command-context.js';
import { renderCompletionScript, type Shell } from '../completion/render-completion-script.js';

/** `stackfleet completion bash|zsh|fish` (commander has checked the shell name). */
export async function runCompletionCommand(context: CommandContext, _options: unknown, args: string[]): Promise<number> {
  context.io.stdout.write(renderCompletionScript(args[0] as Shell));
  return 0;
}
