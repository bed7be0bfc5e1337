import { renderTemplate, renderValue, type TemplateScope } from '../interpolation/render-template.js';
import type { Manifest, SecretSource } from '../model.js';
import { collectResolutionLayers, concatenateHooks, mergeLayers } from '../resolve/layers.js';
import { resolveVariables } from '../resolve/resolve-variables.js';
import { requireStack } from '../resolve/upstream-inputs.js';

/** One thing a stack consumes, as a person names it in `--why`. */
export interface StackInput {
  /** `variable environment`, `env ZONE`, `file backend.auto.tfvars`, `repo platform ref`. */
  label: string;
  /** The value compared (deeply); secret *sources*, never secret values. */
  value: unknown;
  /** For a variable: the variable's name, checked against what the stack declares. */
  variable?: string;
  /** For a variable: how it reaches the stack, `TF_VAR_environment` or `environment`. */
  via?: string;
}

/**
 * Everything a stack consumes, keyed so that sorting the keys gives the order
 * `--why` reports differences in (the first difference is the reason).
 */
export type StackInputs = Map<string, StackInput>;

const RANK = { repo: 0, path: 1, runner: 2, command: 3, variable: 4, env: 5, secret: 6, file: 7, hook: 8, upstream: 9 } as const;
const key = (kind: keyof typeof RANK, name: string) => `${RANK[kind]}:${name}`;

/**
 * The resolved inputs of one stack, as the run would get them (SPEC §2
 * precedence, templates rendered, variable chains followed), with run-time
 * values (`${{ env.X }}`, upstream outputs) left as written: they are the
 * same on both sides of a comparison. Every variable is listed with the env
 * name it reaches the stack under; whether a terraform stack consumes it is
 * decided later, from its declarations. Labels, `watch`, `after`, timeouts,
 * retries and drift settings are not inputs: they change how or when a stack
 * runs, not what it deploys.
 *
 * @throws whatever resolution throws (an unknown variable, a cycle).
 */
export function resolveStackInputs(manifest: Manifest, name: string): StackInputs {
  const stack = requireStack(manifest, name);
  const layers = collectResolutionLayers(manifest, stack);
  // Where values came from is not compared: no provenance is recorded (it costs a string per key).
  const runtime = { env: {}, outputs: () => undefined, stackName: name, keepRuntimeReferences: true };
  const vars = resolveVariables(mergeLayers(layers, (layer) => layer.vars, 'vars'), runtime);
  const scope: TemplateScope = { ...runtime, vars };
  const inputs: StackInputs = new Map();

  if (stack.repo !== undefined) {
    const repo = manifest.repos[stack.repo];
    inputs.set(key('repo', ''), { label: 'repo', value: stack.repo });
    inputs.set(key('repo', 'url'), { label: `repo ${stack.repo} url`, value: repo?.url });
    inputs.set(key('repo', 'ref'), { label: `repo ${stack.repo} ref`, value: repo?.ref });
  }
  inputs.set(key('path', ''), { label: 'path', value: stack.path });
  inputs.set(key('runner', ''), { label: 'runner', value: stack.runner });
  for (const [phase, command] of Object.entries(stack.commands)) {
    inputs.set(key('command', phase), { label: `commands.${phase}`, value: command });
  }

  // The same order as `resolveStack`: vars, then explicit env, then output
  // mappings; a later one of the same env name hides the earlier.
  const env = mergeLayers(layers, (layer) => layer.env, 'env');
  const mapped = new Set(stack.dependsOn.flatMap((dependency) => Object.values(dependency.outputs)));
  for (const [variable, value] of Object.entries(vars)) {
    const via = stack.runner === 'command' ? variable : `TF_VAR_${variable}`;
    if (Object.hasOwn(env, via) || mapped.has(via)) continue;
    inputs.set(key('variable', variable), { label: `variable ${variable}`, value, variable, via });
  }
  for (const [envName, text] of Object.entries(env)) {
    if (mapped.has(envName)) continue;
    inputs.set(key('env', envName), { label: `env ${envName}`, value: renderTemplate(text, scope) });
  }
  const secrets: Record<string, SecretSource> = mergeLayers(layers, (layer) => layer.secrets, 'secrets');
  for (const [envName, source] of Object.entries(secrets)) {
    inputs.set(key('secret', envName), { label: `secret ${envName} source`, value: source });
  }
  for (const [file, content] of Object.entries(mergeLayers(layers, (layer) => layer.files, 'files'))) {
    inputs.set(key('file', file), { label: `file ${file}`, value: renderValue(content, scope) });
  }
  for (const [hook, commands] of Object.entries(concatenateHooks(layers, scope, {}))) {
    inputs.set(key('hook', hook), { label: `hooks.${hook}`, value: commands });
  }
  for (const dependency of stack.dependsOn) {
    const { outputs, mock } = dependency;
    // An ordering-only edge passes nothing in.
    if (Object.keys(outputs).length === 0 && mock === undefined) continue;
    inputs.set(key('upstream', dependency.stack), { label: `dependsOn ${dependency.stack}`, value: { outputs, mock } });
  }
  return inputs;
}
