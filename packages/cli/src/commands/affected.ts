import { explainAffected, selectAffectedDependents, type StackGraph } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { detectAffected } from '../runtime/detect-affected.js';

export interface AffectedOptions {
  base?: string;
  head?: string;
  why?: boolean;
  dependents?: boolean;
}

/** `stackfleet affected [--base REF] [--head REF] [--why] [--json]`: changed stacks plus dependents, in run order. */
export async function runAffectedCommand(context: CommandContext, options: AffectedOptions): Promise<number> {
  const fleet = context.readFleet();
  const result = await detectAffected(fleet, { base: options.base, head: options.head, env: context.io.env, note: context.note });
  for (const note of result.notes) context.note(`note: ${note}`);
  const reasons =
    options.dependents === false
      ? new Map(result.affected)
      : selectAffectedDependents(result.affected, fleet.graph.names, dataDependenciesOf(fleet.graph));
  const order = fleet.graph.topologicalOrder(reasons.keys());
  const out = context.io.stdout;
  for (const name of order) {
    const reason = reasons.get(name) ?? '';
    if (context.global.json) writeLine(out, JSON.stringify({ stack: name, reason, why: explainAffected(name, reasons) }));
    else writeLine(out, options.why ? explainAffected(name, reasons) : name);
  }
  for (const name of result.deleted) {
    if (context.global.json) writeLine(out, JSON.stringify({ stack: name, deleted: true, reason: 'removed from the manifest' }));
    else context.note(`deleted: ${name} (removed from the manifest; its resources are not destroyed automatically)`);
  }
  return 0;
}

/** Upstreams along dependsOn and reference edges: ordering-only `after` edges do not spread "affected". */
export function dataDependenciesOf(graph: StackGraph): (stack: string) => string[] {
  const upstream = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.kind === 'after') continue;
    upstream.set(edge.dependent, [...(upstream.get(edge.dependent) ?? []), edge.dependency]);
  }
  return (stack) => upstream.get(stack) ?? [];
}
