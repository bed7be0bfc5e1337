/**
 * `850ms`, `12.3s`, `45s`, `1m02s`, `30m`, `1h05m`, `2h`: how long a stack or run
 * took, and how long a timeout was, for people. The two largest units, the second
 * zero-padded so a column of them lines up; a trailing zero unit is left out so a
 * timeout reads as the user wrote it (`30m`, not `30m00s`).
 *
 * Written by hand: `pretty-ms` separates units with spaces (`1m 2s`) and keeps
 * decimals on seconds past a minute (`1m 2.5s`), neither of which fits a column.
 */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1).replace(/\.0$/, '')}s`;
  // 59.96s rounds to a minute above, so never print `0m59s`.
  const totalSeconds = Math.max(60, Math.floor(ms / 1000));
  if (totalSeconds < 3600) return joinUnits(Math.floor(totalSeconds / 60), 'm', totalSeconds % 60, 's');
  const totalMinutes = Math.floor(totalSeconds / 60);
  return joinUnits(Math.floor(totalMinutes / 60), 'h', totalMinutes % 60, 'm');
}

function joinUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${String(minor).padStart(2, '0')}${minorUnit}`;
}
