import { hostname, userInfo } from 'node:os';

/** Who starts a run, for its record: this host, and `user@host`. */
export function readRunHost(): { host: string; startedBy: string } {
  const host = hostname();
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): keep "unknown".
  }
  return { host, startedBy: `${user}@${host}` };
}
