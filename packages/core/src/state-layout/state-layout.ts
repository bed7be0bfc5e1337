import { join } from 'node:path';

/**
 * Every path stackfleet uses under `settings.stateDir`, in one place:
 *
 * ```text
 * <stateDir>/
 *   state.db                     the embedded store (state)
 *   key                          the key for sensitive outputs, when not in the environment (state)
 *   repos/<repo>.git             bare clones of remote repos (vcs)
 *   checkouts/<repo>/            the one working directory of a remote repo, moved between shas (vcs)
 *   checkouts/<repo>.users/      who holds it at which sha, one file per process; `<repo>.lock` guards moves
 *   worktrees/<repo>/            where earlier versions checked out each sha (only read, to warn)
 *   worker/commits/<sha>/        a worker's working directory of its own repo at a queued run's commit (cli worker)
 *   files/<stack>.json           the context files a stack's run wrote (path + sha256), for cleanup (runner)
 *   cache/base-manifests/<id>.bin  the manifest at the last base `affected` compared against, parsed (vcs)
 *   cache/config-lines/<id>.json   what `affected` grepped from a repo's .tf files at that base (vcs)
 *   gc.json                      when the cleanup last swept plan files and scanned old checkouts (runner; 0600)
 *   runs/<run-id>/               one directory per run (runner; `history` prints it)
 *     <stack>.log                the stack's masked output, appended across retries and resumes
 *     work/<stack>/              the stack's scratch directory for this run
 *       <file>.apply.outputs.json  a command stack's apply outputs ($STACKFLEET_OUTPUTS)
 *       <file>.apply.exit          its exit status, written by the start gate when it ends
 *       <file>.<phase>.<nonce>.outputs.json  outputs of other phases (a fresh file each time)
 *       <file>.tfplan              a terraform/tofu stack's plan, applied in the same run
 *     plans/<file>.tfplan        a plan kept by `plan --save` for `apply --from-plan` (0600; removed once applied, gc'd with the run)
 * ```
 *
 * `<file>` is the stack name made safe for a file name (`toFileName`). Pure
 * string work: the callers create and read the files.
 */

/** `<stateDir>/state.db` */
export function stateDatabasePath(stateDir: string): string {
  return join(stateDir, 'state.db');
}

/** `<stateDir>/key` */
export function stateKeyPath(stateDir: string): string {
  return join(stateDir, 'key');
}

/** `<stateDir>/repos/<repo>.git` */
export function repoCacheDir(stateDir: string, repo: string): string {
  return join(stateDir, 'repos', `${repo}.git`);
}

/** `<stateDir>/checkouts/<repo>`: leases live beside it (`<dir>.users/`, `<dir>.lock`, see vcs's lease-working-dir). */
export function repoCheckoutDir(stateDir: string, repo: string): string {
  return join(stateDir, 'checkouts', repo);
}

/** `<stateDir>/worktrees/<repo>`: per-sha checkouts of earlier versions, whose local state is not carried over. */
export function legacyRepoWorktreesDir(stateDir: string, repo: string): string {
  return join(legacyWorktreesRoot(stateDir), repo);
}

/** `<stateDir>/worktrees`: the root of the per-sha checkouts of earlier versions (gc removes them). */
export function legacyWorktreesRoot(stateDir: string): string {
  return join(stateDir, 'worktrees');
}

/** `<stateDir>/files/<stack>.json` (the stack name URI-encoded) */
export function stackFilesLedgerPath(stateDir: string, stack: string): string {
  return join(stateDir, 'files', `${encodeURIComponent(stack)}.json`);
}

/** `<stateDir>/cache/base-manifests/<slot>.bin`: one parsed base manifest per manifest path (`slot` names it). */
export function baseManifestCachePath(stateDir: string, slot: string): string {
  return join(stateDir, 'cache', 'base-manifests', `${slot}.bin`);
}

/** `<stateDir>/cache/config-lines/<slot>.json`: one repo's grepped config lines at a base, per repo and kind (`slot` names them). */
export function configLinesCachePath(stateDir: string, slot: string): string {
  return join(stateDir, 'cache', 'config-lines', `${slot}.json`);
}

/** `<stateDir>/gc.json`: what the cleanup after a run need not look at again (see runner's gc marker). */
export function gcMarkerPath(stateDir: string): string {
  return join(stateDir, 'gc.json');
}

/** `<stateDir>/runs` */
export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

/** `<stateDir>/runs/<runId>` */
export function runDir(stateDir: string, runId: string): string {
  return join(runsDir(stateDir), runId);
}

/** `<stateDir>/runs/<runId>/<stack>.log` */
export function stackLogPath(stateDir: string, runId: string, stack: string): string {
  return join(runDir(stateDir, runId), `${stack}.log`);
}

/**
 * `<stateDir>/runs/<runId>/work`: the scratch directory a run gives its
 * stacks. Every file a stack has there starts with its name (names have no
 * dots, so no two stacks' files can collide), so one directory serves them
 * all: a directory per stack was an ext4 `mkdir` per stack and walk, ~70 µs of
 * the main thread each (issue #17).
 */
export function runWorkDir(stateDir: string, runId: string): string {
  return join(runDir(stateDir, runId), 'work');
}

/** `<stateDir>/runs/<runId>/work/<stack>`: where runs of earlier versions kept a stack's files (`resume` and `gc` still look there). */
export function legacyStackWorkDir(stateDir: string, runId: string, stack: string): string {
  return join(runWorkDir(stateDir, runId), stack);
}

/** Where a command stack's apply leaves its outputs and, when it ends, its exit status (fixed names, so `resume` finds them). */
export function completedApplyFiles(workDir: string, stack: string): { outputsFile: string; exitFile: string } {
  const base = join(workDir, `${toFileName(stack)}.apply`);
  return { outputsFile: `${base}.outputs.json`, exitFile: `${base}.exit` };
}

/** The outputs file of a phase other than apply; `nonce` (a random id from the caller) keeps each attempt's file apart. */
export function phaseOutputsFile(workDir: string, stack: string, phase: string, nonce: string): string {
  return join(workDir, `${toFileName(stack)}.${phase}.${nonce}.outputs.json`);
}

/** `<workDir>/<file>.tfplan`: the plan terraform/tofu saves and then applies. */
export function terraformPlanFile(workDir: string, stack: string): string {
  return join(workDir, `${toFileName(stack)}.tfplan`);
}

/** `<stateDir>/runs/<runId>/plans`: the plans `plan --save` keeps; outside `work/`, whose plan files gc removes. */
export function savedPlansDir(stateDir: string, runId: string): string {
  return join(runDir(stateDir, runId), 'plans');
}

/** `<stateDir>/runs/<runId>/plans/<file>.tfplan` */
export function savedPlanFile(stateDir: string, runId: string, stack: string): string {
  return join(savedPlansDir(stateDir, runId), `${toFileName(stack)}.tfplan`);
}

/** A stack name as a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`. */
export function toFileName(stackName: string): string {
  return stackName.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `<stateDir>/worker/commits/<sha>`: where a worker runs queued stacks of that commit from. */
export function workerCommitDir(stateDir: string, sha: string): string {
  return join(stateDir, 'worker', 'commits', sha);
}
