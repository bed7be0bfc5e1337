/** How a run is shown: the ink UI, plain prefixed lines, or NDJSON events. */
export type OutputMode = 'tui' | 'plain' | 'json';

export interface OutputModeInput {
  /** `--json` */
  json?: boolean;
  /** `--ci` (forced headless) */
  ci?: boolean;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
}

/**
 * The one place that decides TUI or headless (STYLE.md habit 5). `--json`
 * always wins; then headless when forced with `--ci`, when `CI` is set to a
 * truthy value, or when stdout or stdin is not a terminal (a pipe, a file, a
 * CI log); otherwise the interactive UI.
 */
export function chooseOutputMode(input: OutputModeInput): OutputMode {
  if (input.json) return 'json';
  if (input.ci) return 'plain';
  if (isTruthyEnv(input.env.CI)) return 'plain';
  if (!input.stdoutIsTTY || !input.stdinIsTTY) return 'plain';
  return 'tui';
}

/** `NO_COLOR` (any non-empty value) or `--no-color` turn colours off; so does a non-TTY. */
export function shouldUseColor(options: { color?: boolean; env: Record<string, string | undefined>; isTTY: boolean }): boolean {
  if (options.color === false) return false;
  if (options.env.NO_COLOR !== undefined && options.env.NO_COLOR !== '') return false;
  if (options.env.FORCE_COLOR !== undefined && options.env.FORCE_COLOR !== '0') return true;
  return options.isTTY;
}

function isTruthyEnv(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalized = value.trim().toLowerCase();
  return normalized !== '' && normalized !== '0' && normalized !== 'false' && normalized !== 'no';
}
