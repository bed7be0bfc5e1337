import { join } from 'node:path';
import { StackfleetError } from '../errors.js';
import { renderTemplate, type TemplateScope } from '../interpolation/index.js';
import type { Manifest, SecretSource, StackSpec } from '../model.js';
import type { ResolvedStack } from '../run-plan/types.js';
import { collectResolutionLayers, concatenateHooks, mergeLayers } from './layers.js';
import { resolveVariables } from './resolve-variables.js';
import { readOutputsWithMocks, requireStack, type OutputsReader } from './upstream-inputs.js';

/** What `resolveStack` needs from the outside world, passed in so it stays pure. */
export interface ResolveContext {
  /** Absolute directory of the manifest; stacks without `repo` live beside it. */
  manifestDir: string;
  /** Repository name -> absolute checkout directory. */
  repoDirs: Record<string, string>;
  /** The orchestrator's environment, for `${{ env.X }}`. */
  env: Record<string, string | undefined>;
  /** Known outputs of a stack (stored or fresh from this run); undefined = never applied. */
  outputs: OutputsReader;
}

/**
 * Layers variables, contexts and the stack's own keys (SPEC §2) into one
 * `ResolvedStack`, interpolates templates and maps upstream outputs to env.
 *
 * - Maps (`env`, `vars`, `secrets`, `files`) merge key by key; the higher layer wins.
 * - Hooks concatenate in precedence order, so context hooks run before the
 *   stack's own (a context's `tflint` still runs when the stack adds a hook).
 * - `vars` become environment variables: `TF_VAR_<name>` for terraform/tofu,
 *   `<name>` as-is for command stacks; strings raw, other values as JSON.
 *   Explicit `env` keys win over a var of the same name.
 * - Every template, in every key, sees the variables after precedence
 *   (`resolveVariables`): chains resolve, a cycle throws `E_VARIABLE_CYCLE`
 *   (validation reports it first, with its location).
 * - Upstream outputs come from `outputs`, else from this stack's `mock` for an
 *   upstream that has never been applied (provenance `mock of <stack>`).
 *   Missing ones are left unset; the engine checks inputs before applying.
 */
export function resolveStack(manifest: Manifest, name: string, context: ResolveContext): ResolvedStack {
  const stack = requireStack(manifest, name);
  const layers = collectResolutionLayers(manifest, stack);
  const provenance: Record<string, string> = {};
  const outputs = readOutputsWithMocks(stack, context.outputs);
  const rawVars = mergeLayers(layers, (layer) => layer.vars, 'vars', provenance);
  const vars = resolveVariables(rawVars, { env: context.env, outputs, stackName: name });
  const scope: TemplateScope = { vars, env: context.env, outputs, stackName: name };

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) {
    const envName = stack.runner === 'command' ? key : `TF_VAR_${key}`;
    env[envName] = formatEnvValue(value);
    provenance[`env.${envName}`] = provenance[`vars.${key}`] ?? 'stack';
  }
  const rawEnv = mergeLayers(layers, (layer) => layer.env, 'env', provenance);
  for (const [key, value] of Object.entries(rawEnv)) env[key] = renderTemplate(value, scope);
  applyOutputMappings(stack, context.outputs, outputs, env, provenance);

  const rawFiles = mergeLayers(layers, (layer) => layer.files, 'files', provenance);
  const files: Record<string, string> = {};
  for (const [file, content] of Object.entries(rawFiles)) files[file] = renderTemplate(content, scope);

  const secrets: Record<string, SecretSource> = mergeLayers(layers, (layer) => layer.secrets, 'secrets', provenance);
  const hookEnv: Record<string, string> = {};
  const hooks = concatenateHooks(layers, scope, provenance, hookEnv);

  return {
    name,
    runner: stack.runner,
    dir: join(stackRoot(stack, context), stack.path),
    labels: [...stack.labels],
    env,
    secrets,
    files,
    hooks,
    hookEnv,
    commands: { ...stack.commands },
    ...(stack.timeoutMs === undefined ? {} : { timeoutMs: stack.timeoutMs }),
    retries: { ...stack.retries, on: [...stack.retries.on] },
    provenance,
  };
}

function applyOutputMappings(
  stack: StackSpec,
  realOutputs: OutputsReader,
  outputs: OutputsReader,
  env: Record<string, string>,
  provenance: Record<string, string>,
): void {
  for (const dependency of stack.dependsOn) {
    const values = outputs(dependency.stack);
    const origin = realOutputs(dependency.stack) === undefined ? 'mock of' : 'output of';
    for (const [output, envName] of Object.entries(dependency.outputs)) {
      if (values === undefined || !Object.hasOwn(values, output)) continue;
      env[envName] = formatEnvValue(values[output]);
      provenance[`env.${envName}`] = `${origin} ${dependency.stack}`;
    }
  }
}

function stackRoot(stack: StackSpec, context: ResolveContext): string {
  if (stack.repo === undefined) return context.manifestDir;
  const dir = context.repoDirs[stack.repo];
  if (dir === undefined) {
    throw new StackfleetError('E_REPO_NOT_CHECKED_OUT', `stack ${stack.name}: repository "${stack.repo}" has no checkout`, {
      hint: `check repos.${stack.repo} in the manifest; its checkout must exist before the run`,
    });
  }
  return dir;
}

/** Strings go raw; everything else as JSON, which is what `TF_VAR_` expects for lists and maps. */
export function formatEnvValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}
