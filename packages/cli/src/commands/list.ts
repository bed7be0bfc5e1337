import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { SelectionOptions } from '../options.js';

export interface ListOptions extends SelectionOptions {
  order?: boolean;
}

/** `stackfleet list [--order] [--json]`: the selected stacks, sorted by name or in run order. */
export async function runListCommand(context: CommandContext, options: ListOptions): Promise<number> {
  const fleet = context.readFleet();
  const selection = await context.select(fleet, options);
  const names = options.order ? selection.stacks : [...selection.stacks].sort();
  for (const name of names) {
    const stack = fleet.loaded.manifest.stacks[name];
    if (stack === undefined) continue;
    if (context.global.json) {
      writeLine(
        context.io.stdout,
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
      writeLine(context.io.stdout, name);
    }
  }
  return 0;
}
