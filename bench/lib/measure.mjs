import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Wall time of a command (ms) and, with GNU time present, its peak RSS (MB)
 * and CPU time (user + system, ms): on a busy machine CPU time moves far less
 * than wall time.
 */
export function timeCommand(argv, { cwd, env = process.env } = {}) {
  const useTime = existsSync('/usr/bin/time');
  const full = useTime ? ['/usr/bin/time', '-f', '__RSS_KB=%M __CPU_S=%U+%S', ...argv] : argv;
  const started = performance.now();
  const result = spawnSync(full[0], full.slice(1), { cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - started;
  const match = /__RSS_KB=(\d+)/.exec(result.stderr ?? '');
  const cpu = /__CPU_S=([\d.]+)\+([\d.]+)/.exec(result.stderr ?? '');
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined;
  return { ms, cpuMs, code: result.status, maxRssMb: match ? Number(match[1]) / 1024 : undefined, stdout: result.stdout, stderr: result.stderr };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
