/** A place in a source file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * Every code stackfleet reports, as one union: a code is part of the contract
 * (scripts and CI match on it), so a new one is added here, on purpose, and a
 * typo does not compile. Grouped by where they arise.
 */
export type ErrorCode =
  // stacks.yaml: reading, schema, rules (most arrive as `Problem`s of one ValidationError)
  | 'E_MANIFEST_NOT_FOUND'
  | 'E_MANIFEST_UNREADABLE'
  | 'E_YAML'
  | 'E_DUPLICATE'
  | 'E_VALIDATION'
  | 'E_VERSION'
  | 'E_TYPE'
  | 'E_UNKNOWN_KEY'
  | 'E_UNKNOWN_RUNNER'
  | 'E_DURATION'
  | 'E_CRON'
  | 'E_REGEX'
  | 'E_NAME'
  | 'E_ENV_NAME'
  | 'E_PATH_ESCAPE'
  | 'E_PATH_MISSING'
  | 'E_MISSING_COMMAND'
  | 'E_SELF_DEPENDENCY'
  | 'E_UNKNOWN_CONTEXT'
  | 'E_UNKNOWN_REPO'
  | 'E_UNKNOWN_LABEL'
  | 'E_LOCAL_REF'
  | 'E_CYCLE'
  // interpolation and resolution of variables, contexts and upstream outputs
  | 'E_INTERPOLATION'
  | 'E_VARIABLE_CYCLE'
  | 'E_UNKNOWN_REFERENCE'
  | 'E_ENV_MISSING'
  | 'E_OUTPUT_MISSING'
  | 'E_MISSING_INPUT'
  | 'E_MOCKED_INPUT'
  | 'E_REPO_NOT_CHECKED_OUT'
  // policy files, their tests and evaluation
  | 'E_POLICY_MISSING'
  | 'E_POLICY_YAML'
  | 'E_POLICY_KEY'
  | 'E_POLICY_TYPE'
  | 'E_POLICY_NAME'
  | 'E_POLICY_DUPLICATE'
  | 'E_POLICY_KIND'
  | 'E_POLICY_ENGINE'
  | 'E_POLICY_EFFECT'
  | 'E_POLICY_CEL'
  | 'E_POLICY_TEAM'
  | 'E_POLICY_TEST'
  /** An --input/--plan document (or a test case's plan file) that cannot be read or is not what it must be. */
  | 'E_POLICY_INPUT'
  | 'E_POLICY_DENIED'
  | 'E_NO_TESTS'
  // selection, planning and scheduling
  | 'E_UNKNOWN_STACK'
  | 'E_NO_MATCH'
  | 'E_INVALID_OPTION'
  | 'E_SCHEDULER_INPUT'
  | 'E_SCHEDULER_STATE'
  // running stacks
  | 'E_APPROVAL_REQUIRED'
  | 'E_SECRET_MISSING'
  | 'E_SECRET_TOO_SHORT'
  | 'E_FILE_EXISTS'
  | 'E_FILE_OUTSIDE_STACK'
  | 'E_STACK_LOCKED'
  | 'E_LOCK_HELD'
  | 'E_LOCK_LOST'
  | 'E_SPAWN_FAILED'
  | 'E_STACK_FAILED'
  | 'E_NO_COMMAND'
  | 'E_RUN_COMMAND_MISSING'
  | 'E_PLAN_REQUIRED'
  | 'E_OUTPUTS_INVALID'
  | 'E_TERRAFORM_JSON'
  // saved plans (`plan --save`, `apply --from-plan`)
  | 'E_PLAN_STALE'
  | 'E_PLAN_CHANGED'
  | 'E_PLAN_EXPIRED'
  | 'E_SAVED_PLAN_MISSING'
  // runs, resume and the store
  | 'E_UNKNOWN_RUN'
  | 'E_UNKNOWN_OUTPUT'
  | 'E_SENSITIVE_OUTPUT'
  | 'E_LIVE_DEPENDENTS'
  | 'E_NO_TERMINAL'
  | 'E_RUN_FINISHED'
  | 'E_RUN_LIVE'
  | 'E_RESUME_MANIFEST'
  | 'E_STATE_OPEN'
  | 'E_STATE_URL'
  | 'E_REMOTE_NEEDS_POSTGRES'
  | 'E_REMOTE_PAYLOAD'
  | 'E_REMOTE_COMMIT_UNAVAILABLE'
  | 'E_STATE_CONNECT'
  | 'E_STATE_KEY_MISSING'
  | 'E_STATE_SCHEMA_NEWER'
  | 'E_STATE_KEY'
  | 'E_STATE_KEY_FORMAT'
  | 'E_STATE_CORRUPT'
  | 'E_STATE_CORRUPT_ROW'
  | 'E_STATE_FULL'
  // git and other repositories
  | 'E_NOT_A_REPO'
  | 'E_UNKNOWN_REF'
  | 'E_UNSAFE_GIT_ARG'
  | 'E_SHALLOW_CLONE'
  | 'E_CLONE_FAILED'
  | 'E_REPO_NOT_CACHED'
  // GitHub
  | 'E_GITHUB_ENV'
  | 'E_GITHUB_INIT_EXISTS'
  // command line
  | 'E_USAGE';

/** One thing wrong with user input, with where it is and how to fix it. */
export interface Problem {
  /** Stable machine-readable code, e.g. `E_UNKNOWN_STACK`. */
  code: ErrorCode;
  message: string;
  hint?: string;
  location?: SourceLocation;
  /** Dotted key path into the manifest, e.g. `stacks.app.dependsOn[0].stack`. */
  keyPath?: string;
}

export interface StackfleetErrorOptions {
  hint?: string;
  location?: SourceLocation;
  keyPath?: string;
  /** Process exit code the CLI should use. @default 1 */
  exitCode?: number;
  cause?: unknown;
}

/**
 * The one error class for user-facing failures. The CLI prints `format()` and
 * exits with `exitCode`; anything that is not a StackfleetError is a bug and
 * gets a stack trace.
 */
export class StackfleetError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly keyPath?: string;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: StackfleetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StackfleetError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.keyPath = options.keyPath;
    this.exitCode = options.exitCode ?? 1;
  }

  format(): string {
    return formatProblem({
      code: this.code,
      message: this.message,
      hint: this.hint,
      location: this.location,
      keyPath: this.keyPath,
    });
  }
}

/** Many problems at once (validation collects all of them before failing). */
export class ValidationError extends StackfleetError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const count = problems.length;
    super('E_VALIDATION', `${count} problem${count === 1 ? '' : 's'} found`, { exitCode: 1 });
    this.name = 'ValidationError';
    this.problems = problems;
  }

  override format(): string {
    return this.problems.map(formatProblem).join('\n');
  }
}

/**
 * `stacks.yaml:14:9 stacks.app.dependsOn[0].stack: unknown stack "netwrk" (did you mean "network"?)`
 * followed by an indented `hint:` line when there is one.
 */
export function formatProblem(problem: Problem): string {
  const where = problem.location
    ? `${problem.location.file}:${problem.location.line}:${problem.location.column} `
    : '';
  const key = problem.keyPath ? `${problem.keyPath}: ` : '';
  const head = `${where}${key}${problem.message}`;
  return problem.hint ? `${head}\n  hint: ${problem.hint}` : head;
}

export function isStackfleetError(error: unknown): error is StackfleetError {
  return error instanceof StackfleetError;
}
