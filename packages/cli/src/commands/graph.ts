import { StackfleetError } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { formatGraph, GRAPH_FORMATS, type GraphFormat } from '../output/format-graph.js';
import type { SelectionOptions } from '../options.js';

export interface GraphOptions extends SelectionOptions {
  format?: string;
}

/** `stackfleet graph [--format ascii|dot|mermaid|json]`. */
export async function runGraphCommand(context: CommandContext, options: GraphOptions): Promise<number> {
  const format = (options.format ?? (context.global.json ? 'json' : 'ascii')) as GraphFormat;
  if (!GRAPH_FORMATS.includes(format)) {
    throw new StackfleetError('E_USAGE', `unknown graph format "${options.format}"`, {
      hint: `use one of: ${GRAPH_FORMATS.join(', ')}`,
    });
  }
  const fleet = context.readFleet();
  const selection = await context.select(fleet, options);
  context.io.stdout.write(formatGraph(fleet.graph, fleet.loaded.manifest, selection.stacks, format));
  return 0;
}
