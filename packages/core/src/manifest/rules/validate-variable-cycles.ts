import type { Problem } from '../../errors.js';
import type { ContextSpec, StackSpec } from '../../model.js';
import { collectResolutionLayers, type ResolutionLayer } from '../../resolve/layers.js';
import { collectVariableReads, orderVariables, type VariableReads } from '../../resolve/resolve-variables.js';
import { createProblem, type ManifestRule, type RuleContext, listStacks } from './rule-context.js';
import { isEmptyContainer } from '../../interpolation/collect-references.js';

/**
 * Every template sees the variables after precedence, so a variable whose
 * winning value reads itself, directly (`environment: "${{ vars.environment }}-eu"`)
 * or through others (`a: "${{ vars.b }}"`, `b: "${{ vars.a }}"`), has no value.
 * Checked on `variables` alone and on each stack's layered view (a stack that
 * overrides one link breaks the cycle for itself); one report per cycle, at
 * the key of its first variable by name.
 */
export const validateVariableCycles: ManifestRule = (context) => {
  const { manifest } = context;
  const readsOf = new Map<Record<string, unknown>, VariableReads>();
  const reads = (vars: Record<string, unknown>): VariableReads => {
    let found = readsOf.get(vars);
    if (found === undefined) readsOf.set(vars, (found = collectVariableReads(vars)));
    return found;
  };
  // The common case: no variable reads another one; nothing to walk.
  const readsAny = (spec: StackSpec | ContextSpec) => hasReads(spec.vars, reads);
  if (!hasReads(manifest.variables, reads) && !Object.values(manifest.contexts).some(readsAny) && !listStacks(manifest).some(readsAny)) return [];

  const problems = new Map<string, Problem>();
  const check = (layers: ResolutionLayer[]) => {
    const winners = new Map<string, ResolutionLayer>();
    for (const layer of layers) for (const name of Object.keys(layer.vars)) winners.set(name, layer);
    const merged: VariableReads = new Map();
    for (const [name, layer] of winners) {
      const names = reads(layer.vars).get(name);
      if (names) merged.set(name, names);
    }
    // Each cycle found is reported and taken out, until none is left.
    for (let sorted = orderVariables(winners.keys(), merged); sorted.cycle; sorted = orderVariables(winners.keys(), merged)) {
      const problem = describeCycle(context, rotateToSmallest(sorted.cycle), winners);
      problems.set(`${problem.keyPath}\u0000${problem.message}`, problem);
      for (const name of sorted.cycle) merged.delete(name);
    }
  };
  check(collectResolutionLayers(manifest, emptyStack).slice(0, 1));
  for (const stack of listStacks(manifest)) check(collectResolutionLayers(manifest, stack));
  return [...problems.values()];
};

function hasReads(vars: Record<string, unknown>, reads: (vars: Record<string, unknown>) => VariableReads): boolean {
  // Most stacks have no vars: no map entry and no walk for them.
  return !isEmptyContainer(vars) && reads(vars).size > 0;
}

/** A placeholder to get the `variables` layer alone (the first one). */
const emptyStack: StackSpec = {
  name: '', path: '.', runner: 'command', labels: [], contexts: [], vars: {}, env: {}, secrets: {}, files: {}, hooks: {},
  watch: [], dependsOn: [], after: [], commands: {}, retries: { attempts: 1, on: [], backoffMs: 0 },
};

/** `['b', 'a', 'b']` -> `['a', 'b', 'a']`: one cycle, one spelling, whichever stack found it. */
function rotateToSmallest(cycle: string[]): string[] {
  const ring = cycle.slice(0, -1);
  const start = ring.indexOf([...ring].sort()[0]!);
  const rotated = [...ring.slice(start), ...ring.slice(0, start)];
  return [...rotated, rotated[0]!];
}

function describeCycle(context: RuleContext, cycle: string[], winners: Map<string, ResolutionLayer>): Problem {
  const first = cycle[0]!;
  const path = [...winners.get(first)!.varsKeyPath, first];
  const where = (name: string) => [...winners.get(name)!.varsKeyPath, name].join('.');
  if (cycle.length === 2) {
    return createProblem(context, {
      code: 'E_VARIABLE_CYCLE',
      path,
      message: `variable "${first}" reads its own key: every template sees the value after precedence, so this is a cycle`,
      hint: `give the base value another name (e.g. "${first}_base" under variables) and read that one`,
    });
  }
  return createProblem(context, {
    code: 'E_VARIABLE_CYCLE',
    path,
    message: `variable cycle: ${cycle.join(' -> ')}`,
    hint: `break the cycle: one of ${cycle.slice(0, -1).map(where).join(', ')} must not read the others`,
  });
}
