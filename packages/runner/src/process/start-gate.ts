/**
 * The gate: an apply's program runs under a tiny `sh` that records its exit
 * status (see `gateArgv`). It no longer gates the start: it used to wait for a
 * go line until stackfleet knew the process group, from when stackfleet
 * itself was the only one watching; the spawner now watches every group from
 * its fork on (`spawner.ts`), so the gate starts the program at once.
 */

/** `$0` of the gate shell, which tells it apart from the program in /proc. */
export const GATE_NAME = 'stackfleet-gate';

/**
 * argv that runs `argv` as the child of a gate that writes the program's exit
 * status to `$STACKFLEET_EXIT_FILE` the moment it ends: if stackfleet is
 * killed right after an apply finished, `resume` can tell a completed apply
 * from an interrupted one and never runs it twice. (The gate, not the
 * spawner, writes it: the gate is in the program's own group and outlives a
 * kill of both stackfleet and the spawner.) Without that variable the gate
 * `exec`s the program (same pid, argv, exit code and signals); `spawnWatched`
 * starts such programs without a gate.
 *
 * The gate sets no traps: a signal to the group ends the gate (and, unless it
 * handles the signal, the program) without recording anything, so a
 * signalled apply never counts as completed; stackfleet still waits for a
 * program that handles SIGINT, through its stdout/stderr pipes. (With traps,
 * a signal landing between the gate's fork and the program's exec was caught
 * by the gate's inherited handler and lost: the program ran unsignalled.)
 */
export function gateArgv(argv: readonly string[], options: { inShell?: boolean } = {}): string[] {
  const [, flag, command] = argv;
  if (options.inShell && argv.length === 3 && argv[0] === 'sh' && flag === '-c' && command !== undefined) {
    return ['/bin/sh', '-c', GATE_SCRIPT, GATE_NAME, GATE_IN_SHELL, command];
  }
  return ['/bin/sh', '-c', GATE_SCRIPT, GATE_NAME, ...argv];
}

/**
 * Marks a gate that runs `sh -c COMMAND` itself. While recording the exit
 * status, the gate then runs the command in a subshell (a fork of the gate,
 * no second `sh` to exec: half the processes' start-up cost of a short
 * command stack, issue #17) instead of starting `sh -c` as its child. The
 * subshell shifts the gate's arguments away and unsets the gate's variables
 * first, so the command sees no positional parameters, as under `sh -c`; its
 * `$0` is the gate's name, and `hasProgramStarted` counts such a gate's child
 * as the program. Without an exit file the gate execs `sh -c` as before.
 * `spawnWatched` asks for it only when `sh` in the stack's PATH is `/bin/sh`.
 */
export const GATE_IN_SHELL = '--stackfleet-in-shell';

const GATE_SCRIPT = [
  'exit_file=${STACKFLEET_EXIT_FILE-}',
  'unset STACKFLEET_EXIT_FILE',
  `if [ "$1" = ${GATE_IN_SHELL} ]; then`,
  '  [ -n "$exit_file" ] || exec sh -c "$2"',
  // eval parses the whole text first, so the shift runs before the command and `$2` is expanded once, here.
  '  (unset exit_file; eval "shift 2',
  '$2")',
  'else',
  '  [ -n "$exit_file" ] || exec "$@"',
  '  "$@"',
  'fi',
  'code=$?',
  // No subshell and no `mv` (two more processes per apply): the umask now
  // only concerns this file, and one write of a few bytes leaves a reader no
  // file, an empty one or the whole status; `readCompletedApply` counts only
  // a `0` as completed, so an empty file is an interrupted apply, exactly
  // like no file.
  'umask 077',
  'echo "$code" > "$exit_file"',
  'exit "$code"',
].join('\n');
