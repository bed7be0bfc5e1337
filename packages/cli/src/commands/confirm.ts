import { createInterface } from 'node:readline/promises';
import type { CommandContext } from '../command-context.js';

/** Whether there is a person to ask: a terminal on stdin and stdout, and neither --ci nor --json. */
export function isInteractive(context: CommandContext): boolean {
  return Boolean(context.io.stdin.isTTY && context.io.stdout.isTTY) && !context.global.ci && !context.global.json;
}

/** Asks a yes/no question on the terminal; only "yes" or "y" is yes. */
export async function confirm(context: CommandContext, question: string): Promise<boolean> {
  // The live run view (ink) leaves stdin paused and unref'd: take it back, or
  // the process would simply run out of work and exit while we wait.
  const stdin = context.io.stdin as NodeJS.ReadStream;
  stdin.ref?.();
  stdin.resume?.();
  const readline = createInterface({ input: context.io.stdin, output: context.io.stdout });
  try {
    const answer = await readline.question(`${question} Only "yes" or "y" is accepted: `);
    return /^(y|yes)$/i.test(answer.trim());
  } catch (error) {
    // Ctrl-C or Ctrl-D at the question rejects it (AbortError): that is a "no", not an internal error.
    if (!isAbortError(error)) throw error;
    context.io.stdout.write('\n');
    return false;
  } finally {
    readline.close();
  }
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
