/**
 * The contract between the pure policy package, which decides what an
 * `engine: exec` policy runs, and the runner, which runs it (the CLI joins
 * the two). It lives in core because both may import core and neither may
 * import the other.
 */
export interface PolicyCommandRequest {
  /** Run with `sh -c`. */
  command: string;
  /** The policy file's directory. */
  cwd: string;
  /** The complete environment (nothing is inherited): PATH, HOME and non-secret STACKFLEET_* only. */
  env: Record<string, string>;
  /** The input document as JSON, with `params` at the top level. */
  stdin: string;
  timeoutMs: number;
  /** The run's interrupt (first Ctrl-C): SIGINT to the command's process group. */
  signal?: AbortSignal;
  /** The second Ctrl-C: SIGKILL to the group. */
  forceSignal?: AbortSignal;
}

export interface PolicyCommandResult {
  /** Null when ended by a signal or the timeout. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export type PolicyCommandRunner = (request: PolicyCommandRequest) => Promise<PolicyCommandResult>;
