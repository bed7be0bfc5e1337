import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Phase = 'plan' | 'apply' | 'destroy';

/** One `runner: command` stack of a test fleet. */
export interface CommandFleetStack {
  /** Entries of `dependsOn` as in stacks.yaml: a name, or `{ stack, outputs, mock }`. */
  dependsOn?: (string | { stack: string; outputs?: Record<string, string>; mock?: Record<string, unknown> })[];
  labels?: string[];
  /** How long each phase sleeps, so intervals overlap measurably. @default 0 */
  durationMs?: number;
  /** Exit code per phase. @default { plan: 2, apply: 0, destroy: 0 } (plan reports changes) */
  exitCodes?: Partial<Record<Phase, number>>;
  /** `false` = no `commands.plan` (the stack always applies). @default true */
  plan?: boolean;
  /** Written to `$STACKFLEET_OUTPUTS` by apply. */
  outputs?: Record<string, unknown>;
  /** Extra sh lines, run after the start record and the sleep (may `exit`). */
  script?: string;
  /** On SIGINT: log an `int` record, then exit 130. @default false */
  trapInterrupt?: boolean;
  /** Any other stack keys (env, vars, contexts, timeout, retries, ...), merged as is. */
  extra?: Record<string, unknown>;
}

export interface CommandFleetDescription {
  stacks: Record<string, CommandFleetStack>;
  /** Top-level manifest keys besides `version` and `stacks` (settings, variables, contexts, ...). */
  manifest?: Record<string, unknown>;
}

export interface CommandFleet {
  dir: string;
  /** `<dir>/stacks.yaml`. */
  manifestFile: string;
  /** `<dir>/fleet.log`: every script appends `<stack> <phase> start|end|int <ms>` lines. */
  logFile: string;
}

/**
 * Writes a runnable fleet of command stacks into `dir`: `stacks.yaml` and, per
 * stack, `stacks/<name>/stack.sh` used for plan, apply and destroy. Each
 * script appends start and end timestamps (ms) to one shared log, so tests
 * can assert order and concurrency with `readIntervals` and `maxConcurrency`.
 * Running the script with `stackfleet run -- ./stack.sh` logs phase `run`.
 */
export async function writeCommandFleet(dir: string, description: CommandFleetDescription): Promise<CommandFleet> {
  const logFile = join(dir, 'fleet.log');
  const stacks: Record<string, unknown> = {};
  for (const [name, stack] of Object.entries(description.stacks)) {
    const stackDir = join(dir, 'stacks', name);
    await mkdir(stackDir, { recursive: true });
    await writeFile(join(stackDir, 'stack.sh'), buildScript(name, stack, logFile));
    await chmod(join(stackDir, 'stack.sh'), 0o755);
    stacks[name] = {
      path: `stacks/${name}`,
      runner: 'command',
      ...(stack.labels ? { labels: stack.labels } : {}),
      ...(stack.dependsOn ? { dependsOn: stack.dependsOn } : {}),
      commands: {
        ...(stack.plan === false ? {} : { plan: './stack.sh' }),
        apply: './stack.sh',
        destroy: './stack.sh',
      },
      ...stack.extra,
    };
  }
  const manifest = { version: 1, ...description.manifest, stacks };
  const manifestFile = join(dir, 'stacks.yaml');
  // JSON is YAML: no YAML library needed, and the loader sees exactly this structure.
  await writeFile(manifestFile, `# written by writeCommandFleet\n${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifestFile, logFile };
}

function buildScript(name: string, stack: CommandFleetStack, logFile: string): string {
  const codes = { plan: 2, apply: 0, destroy: 0, ...stack.exitCodes };
  const seconds = ((stack.durationMs ?? 0) / 1000).toFixed(3);
  const lines = [
    '#!/bin/sh',
    `LOG=${quote(logFile)}`,
    `NAME=${quote(name)}`,
    'PHASE="${STACKFLEET_PHASE:-run}"',
    // GNU date has %N; elsewhere fall back to whole seconds.
    'now() { t=$(date +%s%3N); case "$t" in *N) t=$(( $(date +%s) * 1000 ));; esac; echo "$t"; }',
    'echo "$NAME $PHASE start $(now)" >> "$LOG"',
    `trap 'echo "$NAME $PHASE end $(now)" >> "$LOG"' EXIT`,
    ...(stack.trapInterrupt ? [`trap 'echo "$NAME $PHASE int $(now)" >> "$LOG"; exit 130' INT`] : []),
    ...(stack.durationMs ? [`sleep ${seconds}`] : []),
    ...(stack.script ? [stack.script] : []),
    ...(stack.outputs ? [`if [ "$PHASE" = apply ]; then printf '%s' ${quote(JSON.stringify(stack.outputs))} > "$STACKFLEET_OUTPUTS"; fi`] : []),
    'case "$PHASE" in',
    `  plan) exit ${codes.plan} ;;`,
    `  apply) exit ${codes.apply} ;;`,
    `  destroy) exit ${codes.destroy} ;;`,
    'esac',
    'exit 0',
  ];
  return `${lines.join('\n')}\n`;
}

/** Single-quotes a value for sh (the test's own paths and JSON, never user input). */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One phase of one stack as logged by a fleet script; `end` is missing if it never finished. */
export interface StackInterval {
  stack: string;
  phase: string;
  start: number;
  end?: number;
  /** The script received SIGINT (only with `trapInterrupt`). */
  interrupted: boolean;
}

/** Parses the fleet log into intervals, in start order (each `start` paired with the next `end` of the same stack and phase). */
export async function readIntervals(logFile: string): Promise<StackInterval[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const intervals: StackInterval[] = [];
  const open = new Map<string, StackInterval>();
  for (const line of text.split('\n')) {
    const [stack, phase, kind, at] = line.split(' ');
    if (stack === undefined || phase === undefined || at === undefined) continue;
    const key = `${stack} ${phase}`;
    if (kind === 'start') {
      const interval: StackInterval = { stack, phase, start: Number(at), interrupted: false };
      intervals.push(interval);
      open.set(key, interval);
    } else if (kind === 'int') {
      const interval = open.get(key);
      if (interval) interval.interrupted = true;
    } else if (kind === 'end') {
      const interval = open.get(key);
      if (interval) interval.end = Number(at);
      open.delete(key);
    }
  }
  return intervals.sort((a, b) => a.start - b.start);
}

/** The most intervals running at one instant (an end at the same ms as a start does not overlap). */
export function maxConcurrency(intervals: readonly StackInterval[]): number {
  const points = intervals.flatMap((interval) => [
    { at: interval.start, delta: 1 },
    { at: interval.end ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let max = 0;
  for (const point of points) {
    running += point.delta;
    max = Math.max(max, running);
  }
  return max;
}
