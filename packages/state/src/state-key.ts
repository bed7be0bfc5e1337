/**
 * Where the key that encrypts sensitive outputs comes from:
 * `STACKFLEET_STATE_KEY` (64 hex characters or base64 of 32 bytes) when set,
 * else `<stateDir>/key`, generated on first need with mode 0600.
 * The environment wins when both exist (see `openSqliteStore`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { StackfleetError, stateKeyPath } from '@stackfleet/core';

const keyBytes = 32;
const generateHint = 'Generate one with `openssl rand -hex 32` (64 hex characters) or `openssl rand -base64 32`.';

/** Parses a key given as 64 hex characters or as base64 of exactly 32 bytes. */
export function parseStateKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64');
    if (decoded.length === keyBytes) return decoded;
  }
  // Never echo the value itself: it may be a real (if malformed) secret.
  throw new StackfleetError(
    'E_STATE_KEY_FORMAT',
    `${source} must be 64 hex characters or base64 of 32 bytes, got ${trimmed.length} characters`,
    { hint: generateHint },
  );
}

/**
 * Reads `<stateDir>/key`, creating it when missing. The key is written to a
 * private temporary file first and then hard-linked into place: `link` fails
 * with EEXIST when another process won the race, so nobody ever reads a
 * half-written key and both processes end up with the same one.
 */
export function readOrCreateKeyFile(stateDir: string): Buffer {
  const keyPath = stateKeyPath(stateDir);
  const existing = readKeyFile(keyPath);
  if (existing) return existing;
  const tempPath = `${keyPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tempPath, `${randomBytes(keyBytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tempPath, 0o600); // in case a umask or filesystem ignored the mode
  try {
    linkSync(tempPath, keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tempPath);
  }
  const created = readKeyFile(keyPath);
  if (!created) throw new Error(`key file ${keyPath} vanished right after creation`);
  return created;
}

function readKeyFile(keyPath: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(keyPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseStateKey(text, `key file "${keyPath}"`);
}
