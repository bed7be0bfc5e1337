/**
 * The one zod schema of `stacks.yaml`. The loader validates with it and
 * `buildManifestJsonSchema` turns it into `schema/stacks.schema.json`, so the
 * two can never disagree.
 */
import { z } from 'zod';
import {
  driftSchema,
  durationSchema,
  envSchema,
  filesSchema,
  hooksSchema,
  POOL_NAME_PATTERN,
  RUNNER_KINDS,
  secretsSchema,
  stringListSchema,
  varsSchema,
} from './schema-parts.js';

// zod compiles a function per object schema (`new Function`) on its first
// parse; measured on `list`, that costs more than it saves, on the 5-stack
// example (~5 ms of ~20) and on 10,000 stacks alike.
z.config({ jitless: true });

export const dependencySchema = z
  .union([
    z.string().describe('Name of the upstream stack (ordering only, no outputs).'),
    z.strictObject({
      stack: z.string().describe('Name of the upstream stack.'),
      outputs: z
        .record(z.string(), z.string())
        .default({})
        .describe('Upstream output name -> environment variable name in this stack.'),
      mock: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Output values used for plans only, while the upstream has never been applied.'),
    }),
  ])
  .describe('The name of an upstream stack, or { stack: NAME, outputs: { OUTPUT: ENV_VAR }, mock: { OUTPUT: value } }.');

export const retriesSchema = z
  .strictObject({
    attempts: z.int().min(1).default(1).describe('Total attempts including the first.'),
    on: stringListSchema
      .default([])
      .describe('Substrings (or /regex/) of output lines that make a failure retryable; empty = never retry.'),
    backoff: durationSchema.default('1s').describe('Delay before the first retry, doubled each time.'),
  })
  .describe('Retry a failed phase when its output matches one of `on`.');

export const commandsSchema = z
  .strictObject({
    plan: z.string().optional().describe('Exit 0 = no changes, 2 = changes, anything else = error.'),
    apply: z.string().optional().describe('Required for `runner: command`. Exit 0 = success.'),
    destroy: z.string().optional().describe('Exit 0 = success.'),
  })
  .describe('Shell commands of a `runner: command` stack, run with `sh -c` in the stack directory.');

export const stackSchema = z
  .strictObject({
    repo: z.string().optional().describe('Name of an entry in `repos`; omitted = the repository of this manifest.'),
    path: z.string().describe('Directory of the stack, relative to its repository root. Must stay inside it.'),
    runner: z.enum(RUNNER_KINDS).default('terraform').describe('How the stack runs: terraform, tofu or command.'),
    labels: stringListSchema.default([]).describe('Labels for selection (--label), contexts (attachTo) and limits.'),
    contexts: stringListSchema
      .default([])
      .describe('Contexts applied to this stack, in order, over auto-attached ones.'),
    vars: varsSchema.default({}),
    env: envSchema.default({}),
    secrets: secretsSchema.default({}),
    files: filesSchema.default({}),
    hooks: hooksSchema.default({}),
    watch: stringListSchema
      .default([])
      .describe('Extra globs (relative to its repository) whose changes make the stack affected.'),
    dependsOn: z.array(dependencySchema).default([]).describe('Upstream stacks this stack needs, with the outputs it reads.'),
    after: stringListSchema
      .default([])
      .describe('Ordering-only edges: run after these stacks when both are in the same run.'),
    commands: commandsSchema.default({}),
    timeout: durationSchema.optional().describe('Kill a phase that runs longer than this, e.g. "30m".'),
    retries: retriesSchema.optional(),
    drift: driftSchema.optional(),
    pool: z
      .string()
      .regex(POOL_NAME_PATTERN, 'a pool name is letters, digits, "_", "." and "-"')
      .optional()
      .describe('Worker pool that runs this stack in distributed runs (`stackfleet worker --pool`). @default "default"'),
  })
  .describe('One stack: a directory run by terraform, tofu or shell commands.');

export const contextSchema = z
  .strictObject({
    attachTo: z
      .strictObject({
        labels: stringListSchema.describe('Attach to every stack carrying one of these labels; "*" = every stack.'),
      })
      .optional()
      .describe('Attach automatically by label. Without it, the context applies only where a stack lists it.'),
    priority: z
      .int()
      .default(100)
      .describe('Among auto-attached contexts a lower number wins over a higher one; ties break by name.'),
    env: envSchema.default({}),
    vars: varsSchema.default({}),
    secrets: secretsSchema.default({}),
    files: filesSchema.default({}),
    hooks: hooksSchema.default({}),
    drift: driftSchema.optional(),
  })
  .describe('Shared env, vars, secrets, files and hooks for the stacks it applies to.');

export const repoSchema = z
  .strictObject({
    url: z.string().describe('A local path (relative to this manifest) or a git URL.'),
    ref: z.string().optional().describe('Branch, tag or commit to check out; only for git URLs.'),
  })
  .describe('A repository holding stacks.');

export const settingsSchema = z
  .strictObject({
    concurrency: z.int().min(1).optional().describe('Default for -j: how many stacks run at once.'),
    stateDir: z.string().default('.stackfleet').describe('Where the embedded store lives, relative to this manifest.'),
    limits: z
      .record(z.string(), z.int().min(1))
      .default({})
      .describe('Label -> the most stacks carrying that label that may run at once.'),
    state: z
      .strictObject({
        url: z
          .string()
          .optional()
          .describe('A postgres:// URL of a shared store, e.g. "${{ env.STACKFLEET_DB }}"; STACKFLEET_STATE_URL wins over it. Absent = the embedded SQLite store.'),
      })
      .optional()
      .describe('Where runs, locks, outputs and drift are kept.'),
    fleet: z
      .string()
      .min(1)
      .optional()
      .describe("This fleet's name in a shared store. @default the manifest's path in its repository plus the repository's origin URL"),
    retention: z
      .strictObject({
        age: durationSchema.default('7d').describe('Remove run logs, plan files and repo checkouts older than this.'),
        runs: z.int().min(1).default(200).describe('Keep the logs of at most this many finished runs (newest first).'),
      })
      .prefault({})
      .describe('What `stackfleet gc` (and the cleanup after each run) keeps under the state directory.'),
  })
  .describe('Fleet-wide settings.');

export const policyRefSchema = z
  .strictObject({
    file: z.string().describe('Path of a policy file, relative to this manifest.'),
    stacks: z
      .union([z.string(), stringListSchema])
      .optional()
      .describe('Only stacks whose name matches this glob (or one of these globs).'),
    labels: stringListSchema.optional().describe('Only stacks carrying one of these labels.'),
    runners: z.array(z.enum(RUNNER_KINDS)).optional().describe('Only stacks run by one of these runners.'),
  })
  .describe('A policy file; it applies to every stack unless narrowed by stacks, labels or runners (all must match).');

export const manifestSchema = z
  .strictObject({
    version: z.literal(1).describe('Manifest format version. Only 1 exists.'),
    repos: z.record(z.string(), repoSchema).default({}).describe('Repositories by name; stacks without `repo` live beside this file.'),
    settings: settingsSchema.prefault({}).describe('Fleet-wide settings.'),
    variables: varsSchema.default({}).describe('Variables shared by every stack; the lowest precedence.'),
    contexts: z.record(z.string(), contextSchema).default({}).describe('Named contexts.'),
    stacks: z.record(z.string(), stackSchema).default({}).describe('The stacks, by name.'),
    policies: z.array(policyRefSchema).default([]).describe('Policy files and the stacks they apply to.'),
    teams: z
      .record(z.string(), z.array(z.string()))
      .default({})
      .describe('Teams by name, each a list of logins: policies see them as `input.run.actor.teams`, and `approvers: ["team:NAME"]` names them.'),
  })
  .describe('stackfleet manifest (stacks.yaml).');

export type RawManifest = z.output<typeof manifestSchema>;
export type RawStack = z.output<typeof stackSchema>;
export type RawContext = z.output<typeof contextSchema>;
