import type { CommandSpec } from './command-spec.js';
import { collect, parseChoiceFlag, parseDurationFlag, parseWholeNumberFlag } from './flag-parsers.js';
import { READ_GLOBALS, RUN_GLOBALS } from './global-options.js';
import { GITHUB_RUN_OPTIONS } from './github-options.js';
import { RUN_SELECTION_OPTIONS, SELECTION_OPTIONS } from './selection-options.js';

const GRAPH_FORMATS = ['ascii', 'dot', 'mermaid', 'json'] as const;
const SHELLS = ['bash', 'zsh', 'fish'] as const;

const remote = { flags: '--remote', description: 'queue the run for `stackfleet worker` processes (PostgreSQL store) and follow it here; Ctrl-C cancels it' };

const autoApprove = { flags: '--auto-approve', description: 'do not ask for confirmation (required when not in a terminal); never satisfies a require_approval policy' };
const RUN_TYPES = ['proposed', 'tracked', 'drift', 'local'] as const;
const runType = {
  flags: '--run-type <type>',
  description: 'input.run.type for policies (default: proposed on plan, tracked on apply/destroy, drift on drift)',
  choices: RUN_TYPES,
  parse: parseChoiceFlag('--run-type', RUN_TYPES),
};

/**
 * Every command of the CLI, in `--help` order. commander, `--help`,
 * docs/cli.md (`npm run docs`) and shell completion are all built from this
 * table: adding a command is adding one entry.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    summary: 'load and check the manifest and policies (exit 0 valid, 1 invalid)',
    exits: '0 valid, 1 invalid',
    globals: READ_GLOBALS,
    examples: ['stackfleet validate', 'stackfleet validate -f infra/stacks.yaml'],
    load: async () => (await import('../commands/validate.js')).runValidateCommand,
  },
  {
    name: 'list',
    summary: 'list the selected stacks, one per line',
    exits: '0',
    options: [...SELECTION_OPTIONS, { flags: '--order', description: 'in run order instead of by name' }],
    globals: READ_GLOBALS,
    examples: ['stackfleet list', 'stackfleet list --order --label prod', 'stackfleet list --json --stack "app*" --with-dependencies'],
    load: async () => (await import('../commands/list.js')).runListCommand,
  },
  {
    name: 'graph',
    summary: 'print the dependency graph',
    exits: '0',
    options: [
      ...SELECTION_OPTIONS,
      { flags: '--format <format>', description: 'output format', choices: GRAPH_FORMATS, parse: parseChoiceFlag('--format', GRAPH_FORMATS) },
    ],
    globals: READ_GLOBALS,
    examples: ['stackfleet graph', 'stackfleet graph --format dot | dot -Tsvg > fleet.svg', 'stackfleet graph --format mermaid --label prod'],
    load: async () => (await import('../commands/graph.js')).runGraphCommand,
  },
  {
    name: 'plan',
    summary: 'plan the selected stacks in dependency order',
    exits: '0, 1 error, 2 changes (with --detailed-exitcode, also changes awaiting a policy\'s approval), 3 denied by policy (with --detailed-exitcode; an access policy\'s deny always)',
    options: [
      ...RUN_SELECTION_OPTIONS,
      {
        flags: '--detailed-exitcode',
        description: 'exit 2 when any stack has changes (awaiting a policy\'s approval or not), 3 when a policy denies (0 none, 1 error); a command stack without commands.plan is "unknown" and does not count',
      },
      { flags: '--destroy', description: 'preview a destroy (terraform plan -destroy), in destroy order' },
      { flags: '--save', description: 'keep the plans (plan files 0600, input digests, repo shas, changes) for `apply --from-plan`; prints `saved plan: run <id>` (not with --destroy)' },
      ...GITHUB_RUN_OPTIONS,
      runType,
      remote,
    ],
    globals: RUN_GLOBALS,
    examples: [
      'stackfleet plan',
      'stackfleet plan --save --stack network --with-dependents',
      'stackfleet plan --stack network --with-dependents --detailed-exitcode',
      'stackfleet plan --json > plan.ndjson',
      'stackfleet plan --destroy --stack network --with-dependents',
      'stackfleet plan --github --affected',
    ],
    load: async () => (await import('../commands/run-commands.js')).runPlanCommand,
  },
  {
    name: 'apply',
    summary: 'plan, then apply the selected stacks in order, passing outputs downstream',
    exits: '0 all ok, 1 any failure (a stale saved plan too), 3 denied by policy or awaiting approval',
    options: [
      ...RUN_SELECTION_OPTIONS,
      autoApprove,
      runType,
      {
        flags: '--from-plan <run>',
        complete: 'run',
        description: 'apply exactly the plans `plan --save` kept in this run, without planning again; a stack whose files, repo sha or inputs changed is refused as stale',
      },
      {
        flags: '--lock-timeout <duration>',
        description: 'wait this long (30s, 5m, 1h30m) for a stack locked by another run (default: fail at once)',
        parse: parseDurationFlag('--lock-timeout'),
      },
      ...GITHUB_RUN_OPTIONS,
      remote,
    ],
    globals: RUN_GLOBALS,
    examples: ['stackfleet apply --auto-approve', 'stackfleet apply --affected --base origin/main --auto-approve -j 8', 'stackfleet apply --github --affected --auto-approve', 'stackfleet apply --from-plan <run-id>'],
    load: async () => (await import('../commands/run-commands.js')).runApplyCommand,
  },
  {
    name: 'destroy',
    summary: 'destroy the selected stacks in reverse dependency order (refused while live stacks outside the selection depend on them); with plan or run policies, every destroy is planned and judged first',
    exits: '0 / 1, 3 denied by policy or awaiting approval',
    options: [
      ...RUN_SELECTION_OPTIONS,
      autoApprove,
      { flags: '--lock-timeout <duration>', description: 'wait this long for a stack locked by another run', parse: parseDurationFlag('--lock-timeout') },
      { flags: '--force', description: 'destroy even while live stacks outside the selection depend on it' },
      runType,
      remote,
    ],
    globals: RUN_GLOBALS,
    examples: ['stackfleet destroy --stack app --auto-approve', 'stackfleet destroy --stack network --with-dependents --auto-approve'],
    load: async () => (await import('../commands/run-commands.js')).runDestroyCommand,
  },
  {
    name: 'run',
    summary: 'run any command in each selected stack, in order',
    exits: '0 / 1',
    arguments: [{ syntax: '[command...]', description: 'the command, after --' }],
    options: [...RUN_SELECTION_OPTIONS, remote],
    globals: RUN_GLOBALS,
    examples: ['stackfleet run -- terraform fmt -check', 'stackfleet run --label prod -- ls -la'],
    load: async () => (await import('../commands/run-commands.js')).runRunCommand,
  },
  {
    name: 'drift',
    summary: 'plan everything selected and record drift (exit 0 none, 2 drift, 1 error, 3 denied by an access policy)',
    exits: '0 none, 2 drift, 1 error, 3 denied by an access policy',
    arguments: [{ syntax: '[stack]', description: 'with --history: only this stack', complete: 'stack' }],
    options: [
      ...RUN_SELECTION_OPTIONS,
      { flags: '--remediate', description: 'apply drifted stacks that opt in with drift.remediate' },
      { flags: '--due', description: 'only stacks whose drift.schedule has come due since their last check' },
      { flags: '--report <file>', description: 'write a Markdown report', complete: 'file' },
      { flags: '--junit <file>', description: 'write a JUnit XML report', complete: 'file' },
      { flags: '--history', description: 'show recorded drift history instead of checking' },
      ...GITHUB_RUN_OPTIONS,
      runType,
      { flags: '--remote', description: 'check on `stackfleet worker` processes (PostgreSQL store) and follow the sweep here; not with --remediate' },
    ],
    globals: RUN_GLOBALS,
    examples: ['stackfleet drift --report drift.md --junit drift.xml', 'stackfleet drift --due --remediate', 'stackfleet drift --github', 'stackfleet drift --remote --json'],
    load: async () => (await import('../commands/drift.js')).runDriftCommand,
  },
  {
    name: 'affected',
    summary: 'stacks changed since --base plus their dependents, with reasons',
    exits: '0',
    options: [
      { flags: '--base <ref>', description: 'base git ref (default: merge-base with the default branch)' },
      { flags: '--head <ref>', description: 'head git ref (default: the working tree)' },
      { flags: '--why', description: 'print the reason chain for each stack' },
      { flags: '--no-dependents', description: 'only the directly affected stacks' },
    ],
    globals: READ_GLOBALS,
    examples: ['stackfleet affected --why', 'stackfleet affected --base origin/main --json'],
    load: async () => (await import('../commands/affected.js')).runAffectedCommand,
  },
  {
    name: 'outputs',
    summary: 'the stored outputs of a stack (sensitive values masked), or one of them raw',
    exits: '0, 1 unknown stack or output',
    arguments: [
      { syntax: '<stack>', description: 'stack name', complete: 'stack' },
      { syntax: '[key]', description: 'print only this output, raw (strings unquoted, anything else as JSON)' },
    ],
    options: [{ flags: '--show-sensitive', description: 'reveal sensitive values (interactive terminals only)' }],
    globals: READ_GLOBALS,
    examples: ['stackfleet outputs network', 'stackfleet outputs database --json', 'stackfleet outputs network vpc_id'],
    load: async () => (await import('../commands/outputs.js')).runOutputsCommand,
  },
  {
    name: 'history',
    summary: "run history, or one stack's runs",
    exits: '0 / 1',
    arguments: [{ syntax: '[stack]', description: 'stack name', complete: 'stack' }],
    options: [{ flags: '--limit <n>', description: 'how many (default 20)', parse: parseWholeNumberFlag('--limit') }],
    globals: READ_GLOBALS,
    examples: ['stackfleet history', 'stackfleet history app --limit 5 --json'],
    load: async () => (await import('../commands/history.js')).runHistoryCommand,
  },
  {
    name: 'show',
    summary: 'one run: summary, stacks and log paths',
    exits: '0 / 1',
    arguments: [{ syntax: '<run>', description: 'run id', complete: 'run' }],
    globals: READ_GLOBALS,
    examples: ['stackfleet show <run-id>'],
    load: async () => (await import('../commands/history.js')).runShowCommand,
  },
  {
    name: 'resume',
    summary: 'continue an interrupted or crashed run without re-applying finished stacks; stacks awaiting approval are planned and checked again',
    exits: '0 / 1, 3 denied by policy or still awaiting approval',
    arguments: [{ syntax: '[run]', description: 'run id (default: the newest interrupted or crashed run)', complete: 'run' }],
    options: [
      { flags: '--force', description: 'release locks of stacks that were in flight instead of waiting for them to expire' },
      runType,
      {
        flags: '--remote',
        description: 'continue it on `stackfleet worker` processes (implied for a run queued with --remote): follow it again while workers are on it, else queue its unfinished stacks again',
      },
    ],
    globals: RUN_GLOBALS,
    examples: ['stackfleet resume', 'stackfleet resume <run-id> --force', 'stackfleet resume <run-id> --remote'],
    load: async () => (await import('../commands/resume.js')).runResumeCommand,
  },
  {
    name: 'approve',
    summary: 'record an approval of a run (or of some of its stacks) by the current actor',
    exits: '0 / 1',
    arguments: [{ syntax: '<run>', description: 'run id', complete: 'run' }],
    options: [
      { flags: '--stack <glob>', description: 'approve only the stacks of the run matching this glob (repeatable: any of them; default: the whole run)', parse: collect, complete: 'stack' },
      { flags: '--comment <text>', description: 'why, for the record (input.approvals[].comment)' },
    ],
    globals: READ_GLOBALS,
    examples: [
      'stackfleet approve <run-id>',
      'stackfleet approve <run-id> --stack "db-*" --comment "checked with the DBA"',
      'stackfleet resume <run-id>',
      'stackfleet apply --from-plan <plan-run-id>',
    ],
    load: async () => (await import('../commands/approve.js')).runApproveCommand,
  },
  {
    name: 'worker',
    summary: 'run stacks of runs queued with --remote (PostgreSQL store), from this checkout at each run\'s commit',
    exits: '0 stopped (idle, --once, Ctrl-C), 1 cannot start',
    options: [
      { flags: '--pool <name>', description: 'take only stacks of this pool (stacks\' `pool:`; default: default)' },
      { flags: '--once', description: 'run one stack, then exit' },
      { flags: '--idle-exit <duration>', description: 'exit after this long (30s, 5m) with nothing to do', parse: parseDurationFlag('--idle-exit') },
      { flags: '--lease <duration>', description: 'claim lease, renewed every third of it (default 30s); a dead worker\'s stacks are taken over after it', parse: parseDurationFlag('--lease') },
    ],
    globals: ['file', 'concurrency', 'color'],
    examples: ['stackfleet worker -j 4', 'stackfleet worker --pool gpu --idle-exit 5m', 'stackfleet worker --once'],
    load: async () => (await import('../commands/worker.js')).runWorkerCommand,
  },
  {
    name: 'logs',
    summary: 'a run\'s log lines, from any machine (PostgreSQL: the database; SQLite: this machine\'s log files)',
    exits: '0 / 1',
    arguments: [
      { syntax: '<run>', description: 'run id', complete: 'run' },
      { syntax: '[stack]', description: 'only this stack (bare lines)', complete: 'stack' },
    ],
    options: [{ flags: '--follow', description: 'wait for new lines until the run ends (Ctrl-C stops following, not the run)' }],
    globals: READ_GLOBALS,
    examples: ['stackfleet logs <run-id>', 'stackfleet logs <run-id> app --follow'],
    load: async () => (await import('../commands/logs.js')).runLogsCommand,
  },
  {
    name: 'gc',
    summary: 'remove old run logs, leftover plan files and old repo checkouts (settings.retention)',
    exits: '0 / 1',
    options: [{ flags: '--dry-run', description: 'only list what would be removed' }],
    globals: READ_GLOBALS,
    examples: ['stackfleet gc', 'stackfleet gc --dry-run --json'],
    load: async () => (await import('../commands/gc.js')).runGcCommand,
  },
  {
    name: 'locks',
    summary: 'list stack locks',
    exits: '0 / 1',
    globals: READ_GLOBALS,
    examples: ['stackfleet locks'],
    load: async () => (await import('../commands/locks.js')).runLocksCommand,
  },
  {
    name: 'unlock',
    summary: 'release a stack lock',
    exits: '0 / 1',
    arguments: [{ syntax: '<stack>', description: 'stack name', complete: 'stack' }],
    options: [{ flags: '--force', description: 'release even a live lock' }],
    globals: ['file'],
    examples: ['stackfleet unlock app', 'stackfleet unlock app --force'],
    load: async () => (await import('../commands/locks.js')).runUnlockCommand,
  },
  {
    name: 'ui',
    summary: 'the interactive terminal UI (default in a terminal)',
    exits: '0, 1 no terminal on stdin',
    options: [{ flags: '--base <ref>', description: 'mark stacks affected since this git ref (default: merge-base with the default branch)' }],
    globals: ['file', 'concurrency', 'keepGoing', 'failFast', 'color'],
    examples: ['stackfleet ui', 'stackfleet'],
    load: async () => (await import('../commands/ui.js')).runUiCommand,
  },
  {
    name: 'policy',
    summary: 'test policy files and evaluate one policy (docs/policies.md)',
    exits: 'as the subcommand',
    globals: [],
    // A group's examples are its subcommands'.
    examples: [],
    subcommands: [
      {
        name: 'test',
        summary: 'run `*.policy.test.yaml` files: cases of input documents or terraform plans with the decisions expected',
        exits: '0 pass, 1 fail',
        arguments: [{ syntax: '[paths...]', description: 'test files or directories (default: .)', complete: 'file' }],
        globals: [],
        examples: ['stackfleet policy test', 'stackfleet policy test policies/blast-radius.policy.test.yaml'],
        load: async () => (await import('../commands/policy.js')).runPolicyTestCommand,
      },
      {
        name: 'eval',
        summary: 'print the decisions of one policy for one input document',
        exits: '0 nothing denies or awaits approval, 3 otherwise, 1 error',
        arguments: [{ syntax: '<policy>', description: 'the policy file', complete: 'file' }],
        options: [
          { flags: '--input <file>', description: 'the input document (JSON, or YAML by extension)', complete: 'file' },
          { flags: '--plan <file>', description: 'or: `terraform show -json PLANFILE` output (a plan, not a state), wrapped in a default input document', complete: 'file' },
        ],
        globals: ['json'],
        examples: ['stackfleet policy eval policies/blast-radius.policy.yaml --input input.json', 'stackfleet policy eval policies/blast-radius.policy.yaml --plan plan.json --json'],
        load: async () => (await import('../commands/policy.js')).runPolicyEvalCommand,
      },
    ],
  },
  {
    name: 'github',
    summary: 'the pull-request loop on GitHub (docs/ci.md)',
    exits: 'as the subcommand',
    globals: [],
    // A group's examples are its subcommands'.
    examples: [],
    subcommands: [
      {
        name: 'init',
        summary: 'write plan (pull requests), apply (pushes to the default branch), drift (schedule) and comment-command (/stackfleet on pull requests) workflows to .github/workflows/',
        exits: '0 written, 1 a workflow exists (without --force) or no git repository',
        options: [
          { flags: '--force', description: 'overwrite existing stackfleet workflows' },
          { flags: '--branch <name>', description: 'the branch whose pushes apply (default: the repository default branch)' },
        ],
        globals: ['file'],
        examples: ['stackfleet github init', 'stackfleet github init --branch production --force'],
        load: async () => (await import('../commands/github-init.js')).runGithubInitCommand,
      },
      {
        name: 'comment',
        summary: 'on an issue_comment event: run `/stackfleet plan [--stack X]` or `/stackfleet apply [--stack X]` for the pull request (writers only)',
        exits: '0 done or not a command, 1 refused or failed, 3 denied by policy',
        options: [GITHUB_RUN_OPTIONS[1]!],
        globals: ['file', 'concurrency'],
        examples: ['stackfleet github comment'],
        load: async () => (await import('../commands/github-comment.js')).runGithubCommentCommand,
      },
    ],
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (stack names and labels come from the manifest)',
    exits: '0',
    arguments: [{ syntax: '<shell>', description: 'the shell', choices: SHELLS }],
    globals: [],
    examples: ['stackfleet completion bash > ~/.local/share/bash-completion/completions/stackfleet', 'stackfleet completion zsh > "${fpath[1]}/_stackfleet"', 'stackfleet completion fish > ~/.config/fish/completions/stackfleet.fish'],
    load: async () => (await import('../commands/completion.js')).runCompletionCommand,
  },
];

/** `stackfleet --help` examples. */
export const PROGRAM_EXAMPLES: readonly string[] = [
  'stackfleet validate',
  'stackfleet list --order',
  'stackfleet plan --affected --base origin/main',
  'stackfleet apply --auto-approve',
  'stackfleet ui',
];

export const PROGRAM_SUMMARY = 'Run fleets of Terraform, OpenTofu and command stacks in dependency order.';
