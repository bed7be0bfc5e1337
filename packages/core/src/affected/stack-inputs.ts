import { renderTemplate, renderValue, type TemplateScope } from '../interpolation/render-template.js';
import type { Manifest, SecretSource, StackSpec } from '../model.js';
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
type InputKind = keyof typeof RANK;

// Keys, labels and env names repeat across stacks and both sides of a
// comparison (5,000 stacks × 2 × ~10 inputs): each string is built once and
// then found by its name, which also spares hashing a new string per Map key.
const KEYS = new Map<InputKind, Map<string, string>>();
const LABELS = new Map<InputKind, Map<string, string>>();
const TF_VAR_NAMES = new Map<string, string>();
const LABEL_PREFIX: Record<InputKind, string> = {
  repo: 'repo ', path: 'path', runner: 'runner', command: 'commands.', variable: 'variable ', env: 'env ', secret: 'secret ', file: 'file ', hook: 'hooks.', upstream: 'dependsOn ',
};
// Past this many names a table starts over: generated names must not grow it for ever.
const MAX_CACHED_NAMES = 10_000;

function lookUp(table: Map<string, string>, name: string, build: () => string): string {
  let value = table.get(name);
  if (value === undefined) {
    if (table.size >= MAX_CACHED_NAMES) table.clear();
    table.set(name, (value = build()));
  }
  return value;
}

function tableOf(tables: Map<InputKind, Map<string, string>>, kind: InputKind): Map<string, string> {
  let table = tables.get(kind);
  if (table === undefined) tables.set(kind, (table = new Map<string, string>()));
  return table;
}

const key = (kind: InputKind, name: string): string => lookUp(tableOf(KEYS, kind), name, () => `${RANK[kind]}:${name}`);
const label = (kind: InputKind, name: string, suffix = ''): string =>
  suffix === '' ? lookUp(tableOf(LABELS, kind), name, () => `${LABEL_PREFIX[kind]}${name}`) : `${LABEL_PREFIX[kind]}${name}${suffix}`;
/** The key an explicit `env` entry of this name has in `StackInputs`. */
export const envInputKey = (envName: string): string => key('env', envName);
const terraformVariableName = (variable: string): string => lookUp(TF_VAR_NAMES, variable, () => `TF_VAR_${variable}`);

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
  const scope: TemplateScope = { env: runtime.env, outputs: runtime.outputs, stackName: name, keepRuntimeReferences: true, vars };
  const inputs: StackInputs = new Map();

  if (stack.repo !== undefined) {
    const repo = manifest.repos[stack.repo];
    inputs.set(key('repo', ''), { label: 'repo', value: stack.repo });
    inputs.set(key('repo', 'url'), { label: label('repo', stack.repo, ' url'), value: repo?.url });
    inputs.set(key('repo', 'ref'), { label: label('repo', stack.repo, ' ref'), value: repo?.ref });
  }
  inputs.set(key('path', ''), { label: 'path', value: stack.path });
  inputs.set(key('runner', ''), { label: 'runner', value: stack.runner });
  for (const phase of Object.keys(stack.commands)) {
    inputs.set(key('command', phase), { label: label('command', phase), value: stack.commands[phase as keyof typeof stack.commands] });
  }

  // The same order as `resolveStack`: vars, then explicit env, then output
  // mappings; a later one of the same env name hides the earlier.
  const env = mergeLayers(layers, (layer) => layer.env, 'env');
  const mapped = collectMappedNames(stack.dependsOn);
  const command = stack.runner === 'command';
  for (const variable of Object.keys(vars)) {
    const via = command ? variable : terraformVariableName(variable);
    if (Object.hasOwn(env, via) || mapped?.has(via)) continue;
    inputs.set(key('variable', variable), { label: label('variable', variable), value: vars[variable], variable, via });
  }
  for (const envName of Object.keys(env)) {
    if (mapped?.has(envName)) continue;
    inputs.set(key('env', envName), { label: label('env', envName), value: renderTemplate(env[envName]!, scope) });
  }
  const secrets: Record<string, SecretSource> = mergeLayers(layers, (layer) => layer.secrets, 'secrets');
  for (const envName of Object.keys(secrets)) {
    inputs.set(key('secret', envName), { label: label('secret', envName, ' source'), value: secrets[envName] });
  }
  const files = mergeLayers(layers, (layer) => layer.files, 'files');
  for (const file of Object.keys(files)) {
    inputs.set(key('file', file), { label: label('file', file), value: renderValue(files[file], scope) });
  }
  const hooks = concatenateHooks(layers, scope, {});
  for (const hook of Object.keys(hooks)) {
    inputs.set(key('hook', hook), { label: label('hook', hook), value: hooks[hook as keyof typeof hooks] });
  }
  for (const dependency of stack.dependsOn) {
    const { outputs, mock } = dependency;
    // An ordering-only edge passes nothing in.
    if (Object.keys(outputs).length === 0 && mock === undefined) continue;
    inputs.set(key('upstream', dependency.stack), { label: label('upstream', dependency.stack), value: { outputs, mock } });
  }
  return inputs;
}

/** Env names that dependsOn output mappings set; undefined when none does (most stacks). */
function collectMappedNames(dependsOn: StackSpec['dependsOn']): Set<string> | undefined {
  let mapped: Set<string> | undefined;
  for (const dependency of dependsOn) {
    for (const envName of Object.values(dependency.outputs)) (mapped ??= new Set()).add(envName);
  }
  return mapped;
}
