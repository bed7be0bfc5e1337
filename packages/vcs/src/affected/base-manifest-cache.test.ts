import { parseManifest } from '@stackfleet/core';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openBaseManifestCache, stringifyLosslessly } from './base-manifest-cache.js';

let stateDir: string | undefined;
afterEach(() => { if (stateDir) rmSync(stateDir, { recursive: true, force: true }); stateDir = undefined; });

describe('openBaseManifestCache', () => {
  it('reads back what it kept, as JSON when JSON keeps it intact and in v8 format when not (a date stays a date)', () => {
    stateDir = mkdtempSync(join(tmpdir(), 'base-manifest-cache-'));
    const text = 'version: 1\nvariables: { size: small }\nstacks:\n  one: { runner: command, path: one, commands: { apply: "true" } }\n';
    const manifest = parseManifest(text, 'stacks.yaml@abc').manifest;
    const cache = openBaseManifestCache(stateDir, 'stacks.yaml', 'stacks.yaml@abc', text);
    expect(cache.read()).toBeUndefined();
    cache.write(manifest);
    expect(cache.read()).toEqual(manifest);
    const file = join(stateDir, 'cache', 'base-manifests', readdirSync(join(stateDir, 'cache', 'base-manifests'))[0]!);
    expect(readFileSync(file).toString('latin1', 40, 42)).toBe('J{');

    const dated = { ...manifest, variables: { since: new Date(0) } };
    cache.write(dated);
    expect(cache.read()!.variables.since).toEqual(new Date(0));
    expect(readFileSync(file).toString('latin1', 40, 41)).toBe('V');
  });

  it('calls a value lossless exactly when JSON.parse gives back a deeply equal value', () => {
    const values: unknown[] = [
      { a: 'x', b: [1, true, null, { c: -1.5 }] }, 'plain', 0, [],
      { a: undefined }, [1, undefined], [1, , 2], { d: new Date(0) }, { n: Number.NaN }, { n: Infinity }, { z: -0 },
      { m: new Map() }, { o: Object.create(null) as object }, { f: () => 1 }, { j: { toJSON: () => 'x' } }, { s: Symbol('s') },
    ];
    for (const value of values) {
      const json = JSON.stringify(value);
      const lossless = json !== undefined && isDeepStrictEqual(JSON.parse(json), value);
      expect(stringifyLosslessly(value), JSON.stringify(String(json))).toBe(lossless ? json : undefined);
    }
  });
});
