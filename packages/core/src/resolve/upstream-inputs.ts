import { StackfleetError } from '../errors.js';
import type { Manifest, StackSpec } from '../model.js';
import { collectTemplateStrings, parseTemplate, type TemplatePart } from '../interpolation/index.js';
import { collectResolutionLayers } from './layers.js';

/** Reads the known outputs of a stack; undefined = never applied. */
export type OutputsReader = (stack: string) => Record<string, unknown> | undefined;

/** One value a stack takes from an upstream stack's outputs. */
export interface UpstreamInput {
  upstream: string;
  output: string;
  /** The env var it is mapped to (`dependsOn[].outputs`), or `template` for `${{ stacks.X.outputs.K }}`. */
  target: string;
  /**
   * `output`: the upstream has a real value; `mock`: the value comes from
   * `dependsOn[].mock` because the upstream has never been applied;
   * `missing`: neither exists.
   */
  source: 'output' | 'mock' | 'missing';
}

/**
 * Every upstream output the stack consumes, and where each value would come
 * from given what is known now. Mocks only stand in while the upstream has
 * never been applied (no outputs at all), as SPEC §2 says.
 */
export function collectUpstreamInputs(manifest: Manifest, name: string, outputs: OutputsReader): UpstreamInput[] {
  const stack = requireStack(manifest, name);
  const inputs: UpstreamInput[] = [];
  const seen = new Set<string>();
  const add = (upstream: string, output: string, target: string): void => {
    const key = `${upstream}\u0000${output}\u0000${target}`;
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push({ upstream, output, target, source: sourceOf(stack, upstream, output, outputs) });
  };
  for (const dependency of stack.dependsOn) {
    for (const [output, envName] of Object.entries(dependency.outputs)) add(dependency.stack, output, envName);
  }
  for (const [upstream, output] of findOutputReferences(manifest, stack)) add(upstream, output, 'template');
  return inputs;
}

/** The inputs that would be served by a `mock` (plans only). */
export function collectMockedInputs(manifest: Manifest, name: string, outputs: OutputsReader): UpstreamInput[] {
  return collectUpstreamInputs(manifest, name, outputs).filter((input) => input.source === 'mock');
}

/**
 * Apply and destroy refuse to run with a mocked or missing input: the value
 * would be made up. Throws `E_MOCKED_INPUT` or `E_MISSING_INPUT`.
 */
export function assertInputsApplicable(
  manifest: Manifest,
  name: string,
  outputs: OutputsReader,
  /** Why an upstream has no outputs, as a predicate (`was destroyed in run …`). @default "has never been applied" */
  describeAbsent: (upstream: string) => string = () => 'has never been applied',
): void {
  for (const input of collectUpstreamInputs(manifest, name, outputs)) {
    if (input.source === 'output') continue;
    if (input.source === 'mock') {
      throw new StackfleetError(
        'E_MOCKED_INPUT',
        `stack ${name}: input ${input.output} from ${input.upstream} is a mock (${input.upstream} ${describeAbsent(input.upstream)}); apply ${input.upstream} first`,
        { hint: `run \`stackfleet apply --stack ${input.upstream}\`, or include it with --with-dependencies` },
      );
    }
    const applied = outputs(input.upstream) !== undefined;
    throw new StackfleetError(
      'E_MISSING_INPUT',
      applied
        ? `stack ${name}: input ${input.output} from ${input.upstream} is missing (${input.upstream} has no output "${input.output}")`
        : `stack ${name}: input ${input.output} from ${input.upstream} is not available (${input.upstream} ${describeAbsent(input.upstream)}); apply ${input.upstream} first`,
      { hint: applied ? `add output "${input.output}" to ${input.upstream}` : `run \`stackfleet apply --stack ${input.upstream}\`` },
    );
  }
}

/**
 * Outputs as the stack sees them: real outputs, else the stack's own mocks
 * for an upstream that has never been applied.
 */
export function readOutputsWithMocks(stack: StackSpec, outputs: OutputsReader): OutputsReader {
  return (upstream) => {
    const real = outputs(upstream);
    if (real !== undefined) return real;
    return stack.dependsOn.find((dependency) => dependency.stack === upstream)?.mock;
  };
}

function sourceOf(stack: StackSpec, upstream: string, output: string, outputs: OutputsReader): UpstreamInput['source'] {
  const real = outputs(upstream);
  if (real !== undefined) return Object.hasOwn(real, output) ? 'output' : 'missing';
  const mock = stack.dependsOn.find((dependency) => dependency.stack === upstream)?.mock;
  return mock !== undefined && Object.hasOwn(mock, output) ? 'mock' : 'missing';
}

// Manifest -> stack -> its `${{ stacks.X.outputs.K }}` references. A run asks for a stack's upstream inputs
// several times per stack and walk (reading outputs, resolving, the apply's check, the saved plan's
// fingerprint), and each time scanned every template string of its layers. Manifests are not changed once
// parsed (see `collectSharedLayers`).
const OUTPUT_REFERENCES = new WeakMap<Manifest, WeakMap<StackSpec, readonly (readonly [string, string])[]>>();

function findOutputReferences(manifest: Manifest, stack: StackSpec): readonly (readonly [string, string])[] {
  let byStack = OUTPUT_REFERENCES.get(manifest);
  if (byStack === undefined) OUTPUT_REFERENCES.set(manifest, (byStack = new WeakMap()));
  let found = byStack.get(stack);
  if (found === undefined) byStack.set(stack, (found = scanOutputReferences(manifest, stack)));
  return found;
}

function scanOutputReferences(manifest: Manifest, stack: StackSpec): [string, string][] {
  const found: [string, string][] = [];
  for (const layer of collectResolutionLayers(manifest, stack)) {
    const { env, vars, files, hooks } = layer;
    for (const { text } of collectTemplateStrings({ env, vars, files, hooks }, [])) {
      for (const part of parseOrNothing(text)) {
        if (part.kind === 'reference' && part.reference.root === 'stacks') {
          found.push([part.reference.stack, part.reference.output]);
        }
      }
    }
  }
  return found;
}

/** Syntax errors are validation's job; here a broken template simply references nothing. */
function parseOrNothing(text: string): TemplatePart[] {
  try {
    return parseTemplate(text);
  } catch {
    return [];
  }
}

export function requireStack(manifest: Manifest, name: string): StackSpec {
  const stack = manifest.stacks[name];
  if (!stack) {
    throw new StackfleetError('E_UNKNOWN_STACK', `unknown stack "${name}"`, {
      hint: 'run `stackfleet list` to see the stacks in the manifest',
    });
  }
  return stack;
}
