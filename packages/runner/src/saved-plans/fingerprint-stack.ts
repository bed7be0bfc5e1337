import * as cryptoModule from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  collectUpstreamInputs,
  readOutputsWithMocks,
  resolveStack,
  UPSTREAM_INPUT_PREFIX,
  type Manifest,
  type OutputsReader,
  type PolicyCheck,
  type ResolveContext,
  type ResolvedStack,
  type StackPlanEvidence,
} from '@stackfleet/core';
import { hashStackFiles, hashStackFilesOnce, type StackFileHashes } from './hash-stack-files.js';

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
  /** What earlier fingerprints in this process read, reused (see `FingerprintCache`). @default read everything */
  cache?: FingerprintCache;
  /**
   * The stack as the run resolved it (with the upstream outputs it sees): its
   * material as it is when the stack reads no upstream output, since the
   * placeholders the fingerprint resolves with would then change nothing.
   * @default resolved here
   */
  resolved?: ResolvedStack;
}

/**
 * What fingerprints read, kept for the lifetime of one object: each stack's
 * resolved inputs and files (by stack name, for one manifest and environment)
 * and each directory's file hashes (several stacks often share one).
 * `apply --auto-approve` under policies plans then applies in one process
 * with no pause between: resolving and reading every file again for the
 * stale check would only catch what another program wrote during the run,
 * which a run that plans and applies stack by stack does not catch either.
 * Never shared across a pause for a human (the interactive apply's prompt),
 * nor across processes (`apply --from-plan` reads everything again).
 */
export interface FingerprintCache {
  stacks: Map<string, Promise<[string, unknown][]>>;
  dirs: StackFileHashes;
  /**
   * Each stack's material digested under the last salt asked for: the
   * apply's stale check digests with the salt its saved plan was made with,
   * which the plan run just used for the same material.
   */
  digests: Map<string, { salt: string; digests: Record<string, string> }>;
  /** Each stack's plan as the plan run's policies judged it (see `JudgedPlan`). */
  judged: Map<string, JudgedPlan>;
}

/**
 * What the plan run's `kind: plan` policies made of one stack's saved plan,
 * kept for the run that applies it in the same process: the plan they saw
 * (terraform's `show -json`, read where the plan was made), the values kept
 * out of their input, and their check. The apply run uses the plan from here
 * instead of reading the plan file back with `terraform show` (the file's
 * bytes are checked against the same digest), and reports the check again
 * instead of evaluating when the gate says it stands (`standsForThisRun`)
 * for the same plan and secrets. A stack planned again in the apply run is
 * judged anew.
 */
export interface JudgedPlan {
  /** The plan run, and the digest of the plan file it saved (none for a command stack). */
  runId: string;
  planFileDigest?: string;
  plan: StackPlanEvidence;
  secrets: readonly unknown[];
  check: PolicyCheck;
}

/** An empty `FingerprintCache`. */
export function createFingerprintCache(): FingerprintCache {
  return { stacks: new Map(), dirs: new Map(), digests: new Map(), judged: new Map() };
}

/**
 * A fresh salt for a saved plan's digests: 16 random bytes, as hex. Taken
 * from a pool filled 256 salts at a time: a plan run asks for one per stack,
 * and one `randomBytes` call per salt was ~20 µs of the main thread each.
 */
export function createDigestSalt(): string {
  if (saltPool.offset + SALT_BYTES > saltPool.bytes.length) saltPool = { bytes: randomBytes(SALT_BYTES * 256), offset: 0 };
  const salt = saltPool.bytes.toString('hex', saltPool.offset, saltPool.offset + SALT_BYTES);
  saltPool.offset += SALT_BYTES;
  return salt;
}

const SALT_BYTES = 16;
let saltPool = { bytes: Buffer.alloc(0), offset: 0 };

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
  const cache = input.cache;
  let material = cache?.stacks.get(name);
  if (material === undefined) {
    material = readStackMaterial(input, upstreamInputs);
    cache?.stacks.set(name, material);
    // A failed read is not remembered: the next fingerprint reads again.
    if (cache) material.catch(() => cache.stacks.delete(name));
  }

  const digests: Record<string, string> = { ...(await digestMaterial(cache, name, material, salt)) };
  const add = (label: string, value: unknown): void => {
    digests[label] = digest(salt, label, value);
  };
  // Secrets and upstream outputs are never cached: they are what changes within a run.
  for (const [envName, value] of Object.entries(input.secrets)) add(`secret ${envName}`, value);
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

/** The material's digests under `salt`, made once per stack and salt while `cache` lives. */
async function digestMaterial(cache: FingerprintCache | undefined, name: string, material: Promise<[string, unknown][]>, salt: string): Promise<Record<string, string>> {
  const known = cache?.digests.get(name);
  if (known !== undefined && known.salt === salt) return known.digests;
  const digests: Record<string, string> = {};
  for (const [label, value] of await material) digests[label] = digest(salt, label, value);
  cache?.digests.set(name, { salt, digests });
  return digests;
}

/** Salted sha256 of a saved plan file's bytes: a copy restored from the store must be the file that was reviewed. */
export function digestPlanFile(salt: string, bytes: Uint8Array): string {
  return createHash('sha256').update(`${salt}\u0000plan file\u0000`).update(bytes).digest('hex');
}

/**
 * Input label -> value of what a stack is made from apart from secrets and
 * upstream outputs: resolved with upstream outputs as placeholders, so it
 * is the same before and after the upstreams apply.
 */
async function readStackMaterial(input: FingerprintInput, upstreamInputs: ReturnType<typeof collectUpstreamInputs>): Promise<[string, unknown][]> {
  // Placeholders stand for upstream values, so that only `outputs of X` changes when they do.
  const placeholders = new Map<string, Record<string, unknown>>();
  for (const { upstream, output } of upstreamInputs) {
    const values = placeholders.get(upstream) ?? {};
    values[output] = `\${{ stacks.${upstream}.outputs.${output} }}`;
    placeholders.set(upstream, values);
  }
  const resolved =
    upstreamInputs.length === 0 && input.resolved !== undefined
      ? input.resolved
      : resolveStack(input.manifest, input.name, { ...input.resolve, outputs: (stack) => placeholders.get(stack) ?? {} });
  const spec = input.manifest.stacks[input.name]!;
  const material: [string, unknown][] = [
    ['runner', resolved.runner],
    // Where the stack sits in its repository, not on this disk: another checkout (a later CI job) may apply the plan.
    ['path', { repo: spec.repo ?? '', path: spec.path }],
  ];
  for (const [phase, command] of Object.entries(resolved.commands)) material.push([`commands.${phase}`, command]);
  for (const [envName, value] of Object.entries(resolved.env)) material.push([`env ${envName}`, value]);
  for (const [file, content] of Object.entries(resolved.files)) material.push([`file ${file}`, content]);
  for (const [hook, commands] of Object.entries(resolved.hooks)) material.push([`hooks.${hook}`, commands]);
  for (const [envName, value] of Object.entries(resolved.hookEnv ?? {})) material.push([`hook value ${envName}`, value]);
  const exclude = new Set(Object.keys(resolved.files));
  const skipDirs = new Set(input.stateDir === undefined ? [] : [resolve(input.stateDir)]);
  const files = await (input.cache ? hashStackFilesOnce(input.cache.dirs, resolved.dir, exclude, skipDirs) : hashStackFiles(resolved.dir, exclude, skipDirs));
  for (const [file, hash] of files) material.push([`stack file ${file}`, hash]);
  return material;
}

function digest(salt: string, label: string, value: unknown): string {
  return sha256Hex(`${salt}\u0000${label}\u0000${JSON.stringify(value) ?? 'undefined'}`);
}

// Node's one-shot `crypto.hash` (20.12 and later) costs about a third of `createHash` for a short string; a
// fingerprint makes one digest per input (~10 a stack, twice a stack in an apply that plans first).
const oneShotHash = (cryptoModule as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function sha256Hex(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

function sortKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
}
