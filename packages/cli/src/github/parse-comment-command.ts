/** A `/stackfleet plan|apply [--stack X]...` comment, or undefined when the comment is something else. */
export interface CommentCommand {
  command: 'plan' | 'apply';
  stacks: string[];
}

/**
 * Pure: the first line of the comment decides. Anything but
 * `/stackfleet plan` or `/stackfleet apply`, each optionally followed by
 * `--stack NAME` (repeatable, `--stack=NAME` too), is not ours.
 */
export function parseCommentCommand(body: string): CommentCommand | undefined {
  const line = body.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  const words = line.split(/\s+/);
  if (words[0] !== '/stackfleet' || (words[1] !== 'plan' && words[1] !== 'apply')) return undefined;
  const stacks: string[] = [];
  for (let index = 2; index < words.length; index++) {
    const word = words[index]!;
    if (word.startsWith('--stack=') && word.length > '--stack='.length) stacks.push(word.slice('--stack='.length));
    else if (word === '--stack' && words[index + 1] !== undefined) stacks.push(words[++index]!);
    else return undefined;
  }
  return { command: words[1], stacks };
}
