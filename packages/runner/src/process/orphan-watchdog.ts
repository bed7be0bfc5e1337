import { spawn, type ChildProcess } from 'node:child_process';

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
 *
 * A registration is written at once (it must be in the pipe before the go
 * line). Unregistrations of one event-loop turn go out as one write: each
 * write wakes the watchdog, which reads its pipe a byte at a time, and with
 * many short stacks those wake-ups competed with us for the CPU (issue #17).
 * If we die before the batch is written, the watchdog signals groups that
 * are already gone, which is harmless.
 */
export function watchProcessGroup(pgid: number): () => void {
  const child = startOrphanWatchdog();
  if (!child?.stdin || child.stdin.destroyed) return () => undefined;
  child.stdin.write(`+${pgid}\n`);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    leaving.push(pgid);
    if (leaving.length === 1) setImmediate(writeLeaving, child);
  };
}

let leaving: number[] = [];

function writeLeaving(child: ChildProcess): void {
  const lines = leaving.map((pgid) => `-${pgid}\n`).join('');
  leaving = [];
  if (child.stdin && !child.stdin.destroyed) child.stdin.write(lines);
}
