import { StackfleetError, ValidationError, type Problem } from '../errors.js';
import { collectStackReferences } from '../interpolation/index.js';
import { formatKeyPath } from '../manifest/key-path.js';
import type { LoadedManifest, Manifest } from '../model.js';
import { didYouMean } from '../text/suggest.js';
import { createStackGraph } from './create-stack-graph.js';
import type { StackEdge, StackGraph } from './types.js';
import { quoteText } from '../text/quote-text.js';

/**
 * The stack DAG of a loaded manifest: `dependsOn`, `after` and
 * `${{ stacks.X.outputs.K }}` references become edges that remember their key
 * path, so errors can point at `stacks.yaml:20:11`. Throws a ValidationError
 * listing every unknown stack and every cycle.
 */
export function buildStackGraph(loaded: LoadedManifest): StackGraph {
  const { manifest, locate } = loaded;
  const edges = collectStackEdges(manifest);
  const names = Object.keys(manifest.stacks);
  try {
    return createStackGraph(names, edges, { locate });
  } catch (error) {
    // The loader reports these too; the graph never trusts its input blindly.
    // Looked for only when the graph met one (a set of every name otherwise).
    if (!(error instanceof StackfleetError) || error instanceof ValidationError || error.code !== 'E_UNKNOWN_STACK') throw error;
    const problems = findUnknownStacks(loaded, edges, names);
    throw problems.length > 0 ? new ValidationError(problems) : error;
  }
}

/** Every edge naming a stack the manifest lacks, located. */
function findUnknownStacks({ locate }: LoadedManifest, edges: readonly StackEdge[], names: readonly string[]): Problem[] {
  const known = new Set(names);
  const problems: Problem[] = [];
  for (const edge of edges) {
    if (known.has(edge.dependency)) continue;
    const keyPath = edge.kind === 'dependsOn' && locate(`${edge.keyPath}.stack`) ? `${edge.keyPath}.stack` : edge.keyPath;
    problems.push({
      code: 'E_UNKNOWN_STACK',
      message: `unknown stack ${quoteText(edge.dependency)}${didYouMean(edge.dependency, names)}`,
      hint: 'run `stackfleet list` to see every stack',
      keyPath,
      location: locate(keyPath),
    });
  }
  return problems;
}

/** Every edge the manifest declares, stack by stack in manifest order. */
export function collectStackEdges(manifest: Manifest): StackEdge[] {
  const edges: StackEdge[] = [];
  for (const stack of Object.values(manifest.stacks)) {
    // The stack's own key path once, not once per edge (30,000 edges on 10,000 stacks).
    const stackPath = formatKeyPath(['stacks', stack.name]);
    const { dependsOn, after } = stack;
    const dependsOnPath = `${stackPath}.dependsOn[`;
    for (let index = 0; index < dependsOn.length; index += 1) {
      edges.push({ dependent: stack.name, dependency: dependsOn[index]!.stack, kind: 'dependsOn', keyPath: `${dependsOnPath}${index}]` });
    }
    for (let index = 0; index < after.length; index += 1) {
      edges.push({ dependent: stack.name, dependency: after[index]!, kind: 'after', keyPath: `${stackPath}.after[${index}]` });
    }
    for (const reference of collectStackReferences(stack)) {
      edges.push({ dependent: stack.name, dependency: reference.stack, kind: 'reference', keyPath: reference.keyPath });
    }
  }
  return edges;
}
