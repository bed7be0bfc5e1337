import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { baseManifestCachePath, type Manifest } from '@stackfleet/core';
import { openCacheFile } from '../cache/cache-file.js';

// Bump when the Manifest model or what parseManifest makes of a file changes:
// an entry written by another format is ignored.
const FORMAT = 2;
// The entry's first byte: how the manifest is stored.
const AS_JSON = 0x4a; // 'J'
const AS_V8 = 0x56; // 'V'

/**
 * The manifest as it was at base, kept in the state directory so that the
 * next `affected` / `--affected` against the same base does not validate it
 * again (on 5,000 stacks that was ~0.4 s of a ~1 s run; reading it back,
 * ~30–60 ms). One slot per manifest path: a new base replaces the entry. The
 * key covers the file's text, the name it was parsed under (which names the
 * base commit) and the Node version (v8's serialization format); a damaged,
 * missing or foreign entry reads as absent. Only valid manifests are kept:
 * the rules ran when the entry was written. Stored as JSON, which parses
 * about twice as fast as v8's format reads back 100,000 small objects, when
 * the manifest survives JSON unchanged (no dates, no `undefined`); otherwise
 * in v8's format.
 */
export interface BaseManifestCache {
  read(): Manifest | undefined;
  write(manifest: Manifest): void;
}

export function openBaseManifestCache(stateDir: string, manifestPath: string, source: string, text: string): BaseManifestCache {
  const slot = createHash('sha1').update(manifestPath).digest('hex').slice(0, 16);
  const key = createHash('sha1').update(`${FORMAT}\0${process.version}\0${source}\0`).update(text).digest('hex');
  const file = openCacheFile(baseManifestCachePath(stateDir, slot), key);
  return {
    read() {
      const bytes = file.read();
      try {
        if (bytes?.[0] === AS_JSON) return JSON.parse(bytes.subarray(1).toString('utf8')) as Manifest;
        if (bytes?.[0] === AS_V8) return deserialize(bytes.subarray(1)) as Manifest;
        return undefined;
      } catch {
        return undefined;
      }
    },
    write(manifest) {
      const json = stringifyLosslessly(manifest);
      file.write(json !== undefined ? Buffer.concat([Buffer.of(AS_JSON), Buffer.from(json, 'utf8')]) : Buffer.concat([Buffer.of(AS_V8), serialize(manifest)]));
    },
  };
}

/**
 * The manifest as JSON when `JSON.parse` gives back an equal value, else
 * undefined. Checked while stringifying (strings, booleans, finite numbers,
 * plain objects and arrays only) rather than by parsing the text again and
 * comparing deeply: on 5,000 stacks in a fresh process that check cost
 * ~0.2–0.35 s, most of writing the entry on a first run.
 */
export function stringifyLosslessly(value: unknown): string | undefined {
  let lossless = true;
  const json = JSON.stringify(value, function check(this: Record<string, unknown>, key: string, replaced: unknown) {
    // `this[key]` is the value before `toJSON` (a Date's string is `replaced`).
    const raw = key === '' ? value : this[key];
    if (!isJsonValue(raw)) lossless = false;
    return replaced;
  });
  return lossless ? json : undefined;
}

function isJsonValue(raw: unknown): boolean {
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(raw) && !Object.is(raw, -0);
    case 'object': {
      if (raw === null || Array.isArray(raw)) return true;
      // Null-prototype objects, class instances, Maps, Dates and anything with its own toJSON do not come back as they were.
      return Object.getPrototypeOf(raw) === Object.prototype && typeof (raw as { toJSON?: unknown }).toJSON !== 'function';
    }
    default:
      return false; // undefined (a dropped key, or null in an array), functions, symbols, bigints
  }
}
