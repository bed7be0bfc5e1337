/** A place in a source file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One thing wrong with user input, with where it is and how to fix it. */
export interface Problem {
  /** Stable machine-readable code, e.g. `E_UNKNOWN_STACK`. */
  code: string;
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
  readonly code: string;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly keyPath?: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: StackfleetErrorOptions = {}) {
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
