import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPolicy } from './read-policies.js';

describe('readPolicy (policy eval, policy test)', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sf-read-policies-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says a directory is not a policy file (not EISDIR with a permissions hint)', () => {
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'p.policy.yaml'), 'kind: plan\nrules: [{ name: r, effect: warn, when: "true" }]\n');
    expect(readPolicy('policies/p.policy.yaml', dir).kind).toBe('plan');
    expect(() => readPolicy('policies', dir)).toThrow(expect.objectContaining({ message: 'policies is a directory, not a policy file', hint: 'name a *.policy.yaml file (relative to the current directory)' }));
  });
});
