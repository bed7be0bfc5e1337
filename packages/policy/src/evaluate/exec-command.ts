/**
 * How an `engine: exec` policy's command is run. The policy package is pure,
 * so the process lives in `@stackfleet/runner` (`runPolicyCommand`), which
 * implements this interface; the CLI passes it in.
 */
export interface PolicyCommandRequest {
  /** Run with `sh -c`. */
  command: string;
  /** The policy file's directory. */
  cwd: string;
  /** The complete environment: PATH, HOME and STACKFLEET_* only (see `selectExecEnvironment`). */
  env: Record<string, string>;
  /** The input document as JSON, with `params` at the top level. */
  stdin: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PolicyCommandResult {
  /** Null when ended by a signal or the timeout. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export type PolicyCommandRunner = (request: PolicyCommandRequest) => Promise<PolicyCommandResult>;

/**
 * An exec policy sees PATH, HOME and STACKFLEET_* from the orchestrator's
 * environment, never a stack's env or secrets.
 */
export function selectExecEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const selected: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name === 'PATH' || name === 'HOME' || name.startsWith('STACKFLEET_')) selected[name] = value;
  }
  return selected;
}
