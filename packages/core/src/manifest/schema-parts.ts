/**
 * Building blocks shared by stacks and contexts. Every object is strict so that
 * a typo is an error ("unknown key") instead of a silently ignored setting.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

export const HOOK_NAMES = [
  'beforeInit',
  'beforePlan',
  'afterPlan',
  'beforeApply',
  'afterApply',
  'beforeDestroy',
  'afterDestroy',
  'afterRun',
] as const;

export const RUNNER_KINDS = ['terraform', 'tofu', 'command'] as const;

export const POOL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN)
  .describe('A duration: integers with units d, h, m, s, ms, largest first, e.g. "30m", "90s", "1h30m", "500ms", "7d".');

export const stringListSchema = z.array(z.string());

export const envSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).describe('A string; numbers and booleans are converted to strings.'))
  .describe(
    'Environment variables for the stack\'s processes. Numbers and booleans are turned into strings. Supports ${{ }} interpolation.',
  );

export const varsSchema = z
  .record(z.string(), z.unknown())
  .describe('Input variables; for terraform/tofu each becomes TF_VAR_<name>. Any YAML value; strings support ${{ }} interpolation.');

export const secretSourceSchema = z
  .strictObject({
    fromEnv: z.string().optional().describe('Read the secret from this environment variable of the orchestrator.'),
    fromFile: z.string().optional().describe('Read the secret from this file (relative to the manifest).'),
    fromCommand: z.string().optional().describe('Run this shell command and use its trimmed stdout.'),
  })
  .refine((source) => Object.keys(source).length === 1, {
    params: { stackfleet: 'secret-source' },
  })
  .describe('Where a secret comes from: exactly one of fromEnv, fromFile, fromCommand.');

export const secretsSchema = z
  .record(z.string(), secretSourceSchema)
  .describe('Secrets, exposed to the stack\'s processes as environment variables named by their key and masked everywhere.');

export const filesSchema = z
  .record(z.string(), z.string())
  .describe('Files written into the stack directory for the run (relative path -> content) and removed after. Supports ${{ }} interpolation.');

const hookCommandsSchema = z
  .union([z.string(), stringListSchema])
  .describe('A shell command or a list of them, run in order in the stack directory.');

export const hooksSchema = z
  .strictObject(Object.fromEntries(HOOK_NAMES.map((name) => [name, hookCommandsSchema.optional()])) as Record<
    (typeof HOOK_NAMES)[number],
    z.ZodOptional<typeof hookCommandsSchema>
  >)
  .describe('Commands run around the phases of a stack. Supports ${{ }} interpolation.');

export const driftSchema = z
  .strictObject({
    remediate: z.boolean().optional().describe('Apply drifted stacks automatically during `drift --remediate`. Default: false.'),
    maxDeletes: z
      .int()
      .min(0)
      .optional()
      .describe('Remediation is refused when the plan would delete more resources than this. Default: 0.'),
    schedule: z.string().optional().describe('Cron expression (5 or 6 fields) for scheduled drift sweeps.'),
  })
  .describe('Drift detection and remediation settings.');
