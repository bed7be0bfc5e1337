/**
 * The workflows `stackfleet github init` writes: plan on pull requests, apply
 * on pushes to the default branch (never two at once), a scheduled drift
 * sweep, and the `/stackfleet plan|apply` comment commands (an apply shares
 * the apply workflow's concurrency group). Least-privilege `permissions:`,
 * full history (`fetch-depth: 0`, which `--affected` needs), and the store
 * shared through `STACKFLEET_STATE_URL` when the repository has that secret
 * (see docs/ci.md).
 */

export interface WorkflowOptions {
  /** The manifest's path relative to the repository root. */
  manifestPath: string;
  /** The branch pushes to which apply. @default "main" */
  defaultBranch?: string;
  /** Cron for the drift sweep. @default "17 5 * * *" (daily, off the hour) */
  driftSchedule?: string;
  /** Whether any stack runs terraform/tofu (then the workflow sets terraform up). */
  needsTerraform: boolean;
  /** The stackfleet package spec installed in CI. @default "@stackfleet/cli" */
  packageSpec?: string;
}

export interface RenderedWorkflow {
  /** File name under `.github/workflows/`. */
  file: string;
  text: string;
}

/**
 * `ref`: what to check out instead of the event's commit. `untrusted`: the
 * checkout is a pull request's code in a workflow that has the repository's
 * secrets (`issue_comment`): git keeps no token for that code to read.
 */
function setupSteps(options: WorkflowOptions, ref?: string, untrusted = false): string {
  const terraform = options.needsTerraform
    ? `      - uses: hashicorp/setup-terraform@v3
        with:
          terraform_wrapper: false
`
    : '';
  return `      - uses: actions/checkout@v4
        with:
${ref ? `          ref: ${ref}\n` : ''}          fetch-depth: 0
${untrusted ? '          persist-credentials: false\n' : ''}      - uses: actions/setup-node@v4
        with:
          node-version: 20
${terraform}      - run: npm install --global ${options.packageSpec ?? '@stackfleet/cli'}
`;
}

function manifestFlag(options: WorkflowOptions): string {
  return options.manifestPath === 'stacks.yaml' ? '' : ` -f ${JSON.stringify(options.manifestPath)}`;
}

const stateEnv = `          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
          STACKFLEET_STATE_URL: \${{ secrets.STACKFLEET_STATE_URL }}
          STACKFLEET_STATE_KEY: \${{ secrets.STACKFLEET_STATE_KEY }}
`;

/**
 * The plan runs on the PR's head commit, not GitHub's test merge commit: its
 * saved plans are then the ones `/stackfleet apply` (on the head checkout) can apply.
 */
const PULL_HEAD = '${{ github.event.pull_request.head.sha }}';

/** A comment's pull request head: `/stackfleet plan|apply` refuses any other checkout. */
const COMMENT_PULL_HEAD = 'refs/pull/${{ github.event.issue.number }}/head';

/**
 * An apply from a comment waits for (and holds off) the apply workflow, like
 * a second push; a plan from a comment shares its PR's plan group instead.
 */
const COMMENT_CONCURRENCY =
  "${{ startsWith(github.event.comment.body, '/stackfleet apply') && 'stackfleet-apply' || format('stackfleet-plan-{0}', github.event.issue.number) }}";

/**
 * Only comments on pull requests that start with `/stackfleet `, by people
 * the repository knows: anyone else's comment starts no job (stackfleet then
 * checks write permission itself before it reads or runs anything).
 */
const COMMENT_CONDITION =
  "github.event.issue.pull_request && startsWith(github.event.comment.body, '/stackfleet ') && contains(fromJSON('[\"OWNER\", \"MEMBER\", \"COLLABORATOR\"]'), github.event.comment.author_association)";

export function renderWorkflows(options: WorkflowOptions): RenderedWorkflow[] {
  const branch = options.defaultBranch ?? 'main';
  const flag = manifestFlag(options);
  const header = '# Written by `stackfleet github init`; edit freely.\n';
  return [
    {
      file: 'stackfleet-plan.yml',
      text: `${header}name: stackfleet plan
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write
  checks: write
  issues: write
concurrency:
  group: stackfleet-plan-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
${setupSteps(options, PULL_HEAD)}      - name: stackfleet plan
        run: stackfleet plan --github --affected${flag}
        env:
${stateEnv}`,
    },
    {
      file: 'stackfleet-apply.yml',
      text: `${header}name: stackfleet apply
on:
  push:
    branches: [${JSON.stringify(branch)}]
permissions:
  contents: read
  pull-requests: write
  checks: write
  issues: write
# Applies never overlap: a second push waits for the first apply to finish.
concurrency:
  group: stackfleet-apply
  cancel-in-progress: false
jobs:
  apply:
    runs-on: ubuntu-latest
    steps:
${setupSteps(options)}      - name: stackfleet apply
        run: stackfleet apply --github --affected --auto-approve${flag}
        env:
${stateEnv}`,
    },
    {
      file: 'stackfleet-drift.yml',
      text: `${header}name: stackfleet drift
on:
  schedule:
    - cron: ${JSON.stringify(options.driftSchedule ?? '17 5 * * *')}
  workflow_dispatch:
permissions:
  contents: read
  issues: write
concurrency:
  group: stackfleet-drift
  cancel-in-progress: false
jobs:
  drift:
    runs-on: ubuntu-latest
    steps:
${setupSteps(options)}      - name: stackfleet drift
        run: stackfleet drift --github${flag}
        env:
${stateEnv}`,
    },
    {
      file: 'stackfleet-comment.yml',
      text: `${header}name: stackfleet comment
on:
  issue_comment:
    types: [created]
permissions:
  contents: read
  pull-requests: write
  checks: write
  issues: write
concurrency:
  group: ${COMMENT_CONCURRENCY}
  cancel-in-progress: false
jobs:
  comment:
    if: ${COMMENT_CONDITION}
    runs-on: ubuntu-latest
    steps:
${setupSteps(options, COMMENT_PULL_HEAD, true)}      - name: stackfleet github comment
        run: stackfleet github comment${flag}
        env:
${stateEnv}`,
    },
  ];
}
