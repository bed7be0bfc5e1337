import type { CommandContext } from '../command-context.js';
import { writeStdout } from '../io.js';
import type { SelectionOptions } from '../options.js';

export interface ListOptions extends SelectionOptions {
  order?: boolean;
}

/** `stackfleet list [--order] [--json]`: the selected stacks, sorted by name or in run order. */
export async function runListCommand(context: CommandContext, options: ListOptions): Promise<number> {
  // Listing needs no stack directory: validate, plan and apply check them.
  const fleet = context.readFleet({ checkDirectories: false });
  const selection = await context.select(fleet, options);
  const names = options.order ? selection.stacks : [...selection.stacks].sort();
  // One write for the whole listing: a write per line costs more than
  // everything else `list` does on a 10,000-stack fleet.
  const lines: string[] = [];
  // An index loop: for...of allocates per step before the optimizer runs (10,000 stacks).
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index]!;
    const stack = fleet.loaded.manifest.stacks[name];
    if (stack === undefined) continue;
    if (context.global.json) {
      lines.push(
        JSON.stringify({
          name,
          repo: stack.repo ?? null,
          path: stack.path,
          runner: stack.runner,
          labels: stack.labels,
          dependsOn: [...fleet.graph.dependenciesOf(name)].sort(),
          reason: selection.reasons.get(name),
        }),
      );
    } else {
      lines.push(name);
    }
  }
  if (lines.length > 0) writeStdout(context.io, `${lines.join('\n')}\n`);
  return 0;
}
