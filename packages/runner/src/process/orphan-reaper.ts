import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, resolve as resolvePath } from 'node:path';

/**
 * Stack processes run in their own process groups (so Ctrl-C reaches only
 * us), which also means they outlive a `kill -9` of stackfleet: an orphaned
 * apply would go on changing infrastructure while `resume` (which sees the
 * holder pid gone and takes the lock) starts the same stack again.
 *
 * A tiny `sh` watchdog, started once per stackfleet process and detached from
 * it, holds the read end of a pipe from us. We tell it which groups are
 * running; when the pipe closes without a goodbye (we died, however), it
 * sends SIGTERM to every group still listed (terraform stops gracefully on
 * SIGTERM and releases its state lock), waits up to the grace period, then
 * SIGKILLs what is left. On a normal exit the list is empty and it just exits.
 */
const WATCHDOG_SCRIPT = `
groups=""
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups \${line#+}" ;;
    -*) keep=""; for g in $groups; do [ "$g" = "\${line#-}" ] || keep="$keep $g"; done; groups=$keep ;;
  esac
done
[ -z "$groups" ] && exit 0
for g in $groups; do kill -s TERM -- "-$g" 2>/dev/null; done
i=0
while [ "$i" -lt "$1" ]; do
  alive=""
  for g in $groups; do kill -s 0 -- "-$g" 2>/dev/null && alive="$alive $g"; done
  [ -z "$alive" ] && exit 0
  groups=$alive
  sleep 0.1
  i=$((i + 1))
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
`;

/** SIGTERM-to-SIGKILL grace for orphaned groups, in 100 ms ticks. */
const GRACE_TICKS = 100;

let watchdog: ChildProcess | undefined;
let watchdogFailed = false;

/**
 * Starts the watchdog if it is not running yet. Call it before spawning a
 * group: a kill between the spawn and a lazily started watchdog would leave
 * that first group unwatched.
 */
export function startOrphanWatchdog(): ChildProcess | undefined {
  if (watchdog || watchdogFailed) return watchdog;
  try {
    const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'stackfleet-reaper', String(GRACE_TICKS)], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', () => {
      watchdogFailed = true;
      watchdog = undefined;
    });
    child.stdin?.on('error', () => undefined);
    // Neither the watchdog nor its pipe may keep stackfleet alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog = child;
  } catch {
    watchdogFailed = true;
  }
  return watchdog;
}

/**
 * Registers a running process group with the watchdog; the returned function
 * unregisters it (call it once the group is gone). Best effort: without `sh`
 * the group is simply not watched.
 */
export function watchProcessGroup(pgid: number): () => void {
  const child = startOrphanWatchdog();
  if (!child?.stdin || child.stdin.destroyed) return () => undefined;
  child.stdin.write(`+${pgid}\n`);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (child.stdin && !child.stdin.destroyed) child.stdin.write(`-${pgid}\n`);
  };
}

/**
 * argv that runs `argv` only once we said "go" on its stdin. The parent can be
 * killed between fork and exec, before it could register the new group with
 * the watchdog; the gate then reads EOF and exits instead of running the
 * program unwatched. After the go line, `exec` makes the program the group
 * leader with the same pid, argv, exit code and signals, and stdin at EOF.
 *
 * With `STACKFLEET_EXIT_FILE` in its environment the gate stays as the
 * program's parent instead, and writes the program's exit status to that file
 * the moment it ends: if stackfleet is killed right after an apply finished,
 * `resume` can tell a completed apply from an interrupted one and never runs it
 * twice. The gate sets no traps: a signal to the group ends the gate (and,
 * unless it handles the signal, the program) without recording anything, so a
 * signalled apply never counts as completed; stackfleet still waits for a
 * program that handles SIGINT, through its stdout/stderr pipes. (With traps,
 * a signal landing between the gate's fork and the program's exec was caught
 * by the gate's inherited handler and lost: the program ran unsignalled.)
 */
export function gateArgv(argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', GATE_SCRIPT, GATE_NAME, ...argv];
}

const GATE_SCRIPT = [
  'IFS= read -r go || exit 129',
  'exit_file=${STACKFLEET_EXIT_FILE-}',
  'unset STACKFLEET_EXIT_FILE',
  '[ -n "$exit_file" ] || exec "$@"',
  '"$@"',
  'code=$?',
  '(umask 077; echo "$code" > "$exit_file.tmp") && mv "$exit_file.tmp" "$exit_file"',
  'exit "$code"',
].join('\n');

/** `$0` of the gate shell, which tells it apart from the program in /proc. */
const GATE_NAME = 'stackfleet-gate';

/**
 * Whether the gate of process group `gatePid` has started the program yet
 * (exec'd into it, or, when recording, forked a child that has exec'd). Read
 * from /proc; where there is none the answer is yes, the old behaviour.
 */
export function hasProgramStarted(gatePid: number): boolean {
  const isGate = (pid: string | number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(GATE_NAME);
  try {
    if (!isGate(gatePid)) return true;
    const children = readFileSync(`/proc/${gatePid}/task/${gatePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.some((pid) => {
      try {
        return !isGate(pid);
      } catch {
        return false;
      }
    });
  } catch {
    return true;
  }
}

/** What execvp searches when the environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';

/** The line that releases a gated process. */
export const GATE_GO = 'go\n';

/**
 * Whether `program` would be found the way spawn finds it: a path (relative
 * to `cwd`), or a name searched in `PATH`. Lets a gated spawn keep reporting a
 * missing program as ENOENT instead of as the gate shell's exit 127.
 */
export function canExecute(program: string, path: string | undefined, cwd: string): boolean {
  // Names looked up in PATH are cached (every stack spawns `sh`); a path relative to cwd is not.
  if (program.includes('/')) return findExecutable(program, path, cwd);
  const searchPath = path ?? DEFAULT_PATH;
  // A relative PATH entry (".", "bin") depends on the directory too.
  const relative = searchPath.split(delimiter).some((dir) => !dir.startsWith('/'));
  const key = `${program}\u0000${searchPath}${relative ? `\u0000${cwd}` : ''}`;
  let found = foundInPath.get(key);
  if (found === undefined) {
    found = findExecutable(program, path, cwd);
    if (found) foundInPath.set(key, found);
  }
  return found;
}

const foundInPath = new Map<string, boolean>();

function findExecutable(program: string, path: string | undefined, cwd: string): boolean {
  const candidates = program.includes('/')
    ? [resolvePath(cwd, program)]
    : (path ?? DEFAULT_PATH).split(delimiter).map((dir) => resolvePath(cwd, dir || '.', program));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}
