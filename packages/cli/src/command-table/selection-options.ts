import type { OptionSpec } from './command-spec.js';
import { collect } from './flag-parsers.js';

/** SPEC §4 selectors (`sel`). */
export const SELECTION_OPTIONS: readonly OptionSpec[] = [
  { flags: '--stack <glob>', description: 'select stacks whose name matches the glob (repeatable)', parse: collect, complete: 'stack' },
  { flags: '--label <label>', description: 'select stacks carrying the label (repeatable: any of them)', parse: collect, complete: 'label' },
  { flags: '--exclude <glob>', description: 'leave out stacks matching the glob (repeatable)', parse: collect, complete: 'stack' },
  { flags: '--affected', description: 'select stacks affected by changes since --base (and their dependents)' },
  { flags: '--base <ref>', description: 'base git ref for --affected (default: merge-base with the default branch)' },
  { flags: '--head <ref>', description: 'head git ref for --affected (default: the working tree)' },
  { flags: '--with-dependents', description: 'add every stack that depends on the selection' },
  { flags: '--with-dependencies', description: 'add every stack the selection depends on' },
];

/** Selectors plus what only commands that run stacks understand. */
export const RUN_SELECTION_OPTIONS: readonly OptionSpec[] = [
  ...SELECTION_OPTIONS,
  { flags: '--no-dependents', description: 'with --affected: do not add dependents of affected stacks' },
  { flags: '--all-dependents', description: 'run dependents even when their upstream outputs did not change' },
];
