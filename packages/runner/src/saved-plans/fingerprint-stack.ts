import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  collectUpstreamInputs,
  readOutputsWithMocks,
  resolveStack,
  UPSTREAM_INPUT_PREFIX,
  type Manifest,
  type OutputsReader,
  type ResolveContext,
} from '@stackfleet/core';
import { hashStackFiles } from './hash-stack-files.js';

export interface FingerprintInput {
  manifest: Manifest;
  name: string;
  /** Where the stack lives and the orchestrator's environment (`${{ env.X }}`). */
  resolve: Omit<ResolveContext, 'outputs'>;
  /** The upstream outputs the stack sees now (stored or fresh; mocks are added here). */
  upstream: OutputsReader;
  /** The stack's secret values, env name -> value. */
  secrets: Record<string, string>;
  /**
   * The state directory, absolute: never part of a stack's files (a stack at
   * `path: .` contains it, and the store and logs change between a plan and its apply).
   */
  stateDir?: string;
}

/** A fresh salt for a saved plan's digests. */
export function createDigestSalt(): string {
  return randomBytes(16).toString('hex');
}

/**
 * What a stack's plan is made from, as input label -> salted sha256 (never a
 * value): its resolved environment, context files and hooks with upstream
 * outputs left as placeholders (`env TF_VAR_cidr`, `file backend.auto.tfvars`,
 * `hooks beforePlan`), its commands, its secrets (`secret DB_PASSWORD`), every
 * file of its directory (`stack file main.tf`), and, apart, the upstream
 * outputs it reads, mocks included (`outputs of network`). The salt keeps
 * equal values in different plans from having equal digests.
 */
export async function fingerprintStack(input: FingerprintInput, salt: string): Promise<Record<string, string>> {
  const { manifest, name } = input;
  const spec = manifest.stacks[name]!;
  const upstreamInputs = collectUpstreamInputs(manifest, name, () => undefined);
  // Placeholders stand for upstream values, so that only `outputs of X` changes when they do.
  const placeholders = new Map<string, Record<string, unknown>>();
  for (const { upstream, output } of upstreamInputs) {
    const values = placeholders.get(upstream) ?? {};
    values[output] = `\${{ stacks.${upstream}.outputs.${output} }}`;
    placeholders.set(upstream, values);
  }
  const resolved = resolveStack(manifest, name, { ...input.resolve, outputs: (stack) => placeholders.get(stack) ?? {} });

  const digests: Record<string, string> = {};
  const add = (label: string, value: unknown): void => {
    digests[label] = digest(salt, label, value);
  };
  add('runner', resolved.runner);
  // Where the stack sits in its repository, not on this disk: another checkout (a later CI job) may apply the plan.
  add('path', { repo: spec.repo ?? '', path: spec.path });
  for (const [phase, command] of Object.entries(resolved.commands)) add(`commands.${phase}`, command);
  for (const [envName, value] of Object.entries(resolved.env)) add(`env ${envName}`, value);
  for (const [file, content] of Object.entries(resolved.files)) add(`file ${file}`, content);
  for (const [hook, commands] of Object.entries(resolved.hooks)) add(`hooks.${hook}`, commands);
  for (const [envName, value] of Object.entries(resolved.hookEnv ?? {})) add(`hook value ${envName}`, value);
  for (const [envName, value] of Object.entries(input.secrets)) add(`secret ${envName}`, value);
  const files = await hashStackFiles(resolved.dir, new Set(Object.keys(resolved.files)), new Set(input.stateDir === undefined ? [] : [resolve(input.stateDir)]));
  for (const [file, hash] of files) add(`stack file ${file}`, hash);

  const seen = readOutputsWithMocks(spec, input.upstream);
  const read = new Map<string, Record<string, unknown>>();
  for (const { upstream, output } of upstreamInputs) {
    const values = read.get(upstream) ?? {};
    values[output] = seen(upstream)?.[output] ?? null;
    read.set(upstream, values);
  }
  for (const [upstream, values] of read) {
    // Whether the values were mocks matters too: a mock that equals the real value is still a mock.
    add(`${UPSTREAM_INPUT_PREFIX}${upstream}`, { mocked: input.upstream(upstream) === undefined, values: sortKeys(values) });
  }
  return digests;
}

/** Salted sha256 of a saved plan file's bytes: a copy restored from the store must be the file that was reviewed. */
export function digestPlanFile(salt: string, bytes: Uint8Array): string {
  return createHash('sha256').update(`${salt}\u0000plan file\u0000`).update(bytes).digest('hex');
}

function digest(salt: string, label: string, value: unknown): string {
  return createHash('sha256').update(`${salt}\u0000${label}\u0000${JSON.stringify(value) ?? 'undefined'}`).digest('hex');
}

function sortKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
}
