import type { OptionSpec } from './command-spec.js';
import { parseChoiceFlag } from './flag-parsers.js';

const CHECK_MODES = ['per-stack'] as const;

/** `--github` and its companions on `plan`, `apply` and `drift` (docs/ci.md). */
export const GITHUB_RUN_OPTIONS: readonly OptionSpec[] = [
  { flags: '--github', description: 'report to GitHub from an Actions job: PR comment, check run, step summary, outputs (docs/ci.md)' },
  { flags: '--github-token-env <name>', description: 'read the token from this variable (default: GITHUB_TOKEN, else GH_TOKEN)' },
  {
    flags: '--github-checks <mode>',
    description: 'with --github: also one check run per stack',
    choices: CHECK_MODES,
    parse: parseChoiceFlag('--github-checks', CHECK_MODES),
  },
];
