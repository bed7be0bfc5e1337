/**
 * The state database URL. Its password is a secret: it is never printed, never
 * stored, and every message names the database by `redactStateUrl`.
 */
import { StackfleetError } from '@stackfleet/core';

/** Whether `url` selects the PostgreSQL store (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL with its password replaced by `***` (for messages and `show`). */
export function redactStateUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/**
 * The secret parts of a state URL as they may appear in bytes we write: the
 * password raw and URL-encoded (both forms end up in logs and error texts).
 */
export function stateUrlSecrets(url: string): string[] {
  try {
    const encoded = new URL(url).password;
    if (encoded === '') return [];
    const decoded = decodeURIComponent(encoded);
    return [...new Set([decoded, encoded])];
  } catch {
    return [];
  }
}

/** Checks the URL once, where it is chosen, with a message that never echoes the password. */
export function parseStateUrl(url: string, source: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StackfleetError('E_STATE_URL', `${source} is not a valid URL: ${redactStateUrl(url)}`, {
      hint: 'Use postgres://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password).',
    });
  }
  if (!isPostgresUrl(url)) {
    throw new StackfleetError('E_STATE_URL', `${source} must be a postgres:// or postgresql:// URL, got ${JSON.stringify(redactStateUrl(url))}`, {
      hint: 'Leave it unset to use the embedded SQLite store in settings.stateDir.',
    });
  }
  return parsed;
}
