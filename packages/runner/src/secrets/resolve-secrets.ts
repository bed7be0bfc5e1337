import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StackfleetError, type SecretSource } from '@stackfleet/core';
import { createMasker, MIN_SECRET_LENGTH } from '../mask/masker.js';
import { combineSecretErrors, isSecretMissing } from './combine-secret-errors.js';
import { runProcess } from '../process/run-process.js';
import { withoutOrchestratorSecrets } from './stack-base-env.js';

export interface ResolveSecretsOptions {
  /** The orchestrator's environment (`fromEnv`, and the environment of `fromCommand`). */
  env: Record<string, string | undefined>;
  /** Directory `fromFile` paths and `fromCommand` commands are relative to. */
  cwd: string;
  /** Where a secret was declared, for messages, e.g. `context aws-prod` or `stack app`. */
  describe: (key: string) => string;
  /** Stops a running `fromCommand`. */
  signal?: AbortSignal;
}

/**
 * Reads every secret's value: `fromEnv` (a variable of the orchestrator's
 * environment), `fromFile` (a file's content, relative to `cwd`) or
 * `fromCommand` (stdout of `sh -c` run in `cwd`, trailing newline removed).
 * The engine passes the manifest's directory as `cwd` (secrets are declared
 * there, and SPEC says so). Fails with `E_SECRET_MISSING` naming every key
 * that cannot be read and where it was declared; runs before anything of the
 * stack runs.
 */
export async function resolveSecrets(
  secrets: Record<string, SecretSource>,
  options: ResolveSecretsOptions,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  const missing: StackfleetError[] = [];
  for (const [key, source] of Object.entries(secrets)) {
    try {
      resolved[key] = assertMaskable(key, source, await resolveSecret(key, source, options), options);
    } catch (error) {
      if (!isSecretMissing(error)) throw error;
      missing.push(error);
    }
  }
  if (missing.length > 0) throw combineSecretErrors(missing);
  return resolved;
}

/**
 * A secret of 1 or 2 characters cannot be masked (every `1` or `ok` in the
 * logs would turn into `***`), so it is refused rather than printed in clear.
 * An empty secret reveals nothing and is allowed.
 */
function assertMaskable(key: string, source: SecretSource, value: string, options: ResolveSecretsOptions): string {
  const length = value.trim().length;
  if (length === 0 || length >= MIN_SECRET_LENGTH) return value;
  const from = 'fromEnv' in source ? `environment variable ${source.fromEnv}` : 'fromFile' in source ? `file "${source.fromFile}"` : `command "${source.fromCommand}"`;
  throw new StackfleetError(
    'E_SECRET_TOO_SHORT',
    `secret ${key} of ${options.describe(key)}: the value read from ${from} is ${length} character${length === 1 ? '' : 's'} long; secrets shorter than ${MIN_SECRET_LENGTH} characters cannot be masked`,
    { hint: `use a value of ${MIN_SECRET_LENGTH} characters or more, or pass a value that is not secret through env instead of secrets` },
  );
}

async function resolveSecret(key: string, source: SecretSource, options: ResolveSecretsOptions): Promise<string> {
  const subject = `secret ${key} of ${options.describe(key)}`;
  if ('fromEnv' in source) {
    const value = options.env[source.fromEnv];
    if (value === undefined) {
      throw new StackfleetError('E_SECRET_MISSING', `${subject}: environment variable ${source.fromEnv} is not set`, {
        hint: `export ${source.fromEnv}=... before running stackfleet`,
      });
    }
    return value;
  }
  if ('fromFile' in source) {
    const path = resolve(options.cwd, source.fromFile);
    try {
      return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new StackfleetError('E_SECRET_MISSING', `${subject}: cannot read file "${path}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        hint: "create the file, or fix the fromFile path (relative to the manifest's directory)",
        cause: error,
      });
    }
  }
  return runSecretCommand(subject, source.fromCommand, options);
}

async function runSecretCommand(subject: string, command: string, options: ResolveSecretsOptions): Promise<string> {
  const stderr: string[] = [];
  const env = withoutOrchestratorSecrets(options.env);
  const result = await runProcess({
    argv: ['sh', '-c', command],
    cwd: options.cwd,
    env,
    signal: options.signal,
    captureStdout: true,
    onLine: (_stream, line) => stderr.push(line),
  });
  const stdout = result.stdout ?? '';
  if (result.exitCode !== 0) {
    // A failing command may still have printed part of the secret.
    const masker = createMasker([stdout, ...stdout.split('\n')]);
    const detail = stderr.map((line) => masker.mask(line)).join('\n').trim();
    const how = result.exitCode === null ? `was stopped${result.signal ? ` by ${result.signal}` : ''}` : `exited with code ${result.exitCode}`;
    throw new StackfleetError('E_SECRET_MISSING', `${subject}: command "${command}" ${how}${detail ? `: ${detail}` : ''}`, {
      hint: "run the command by hand in the manifest's directory to see why it fails",
    });
  }
  return stdout.replace(/\r?\n$/, '');
}
