import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSecrets } from './resolve-secrets.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sf-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({
  env: { PATH: process.env.PATH, PROD_DB_PASSWORD: 'hunter2', UNSET: undefined },
  cwd: dir,
  describe: () => 'context aws-prod',
});

describe('resolveSecrets', () => {
  it('reads secrets from the environment, files and commands', async () => {
    await writeFile(join(dir, 'token.txt'), 'file-token\n');
    const secrets = await resolveSecrets(
      {
        DB_PASSWORD: { fromEnv: 'PROD_DB_PASSWORD' },
        TOKEN: { fromFile: 'token.txt' },
        API_KEY: { fromCommand: 'printf "cmd-%s\\n" "$PROD_DB_PASSWORD"; pwd >&2' },
        MULTI: { fromCommand: 'printf "a\\nb\\n\\n"' },
      },
      options(),
    );
    expect(secrets).toEqual({ DB_PASSWORD: 'hunter2', TOKEN: 'file-token', API_KEY: 'cmd-hunter2', MULTI: 'a\nb\n' });
  });

  it('refuses secrets of 1 or 2 characters, which cannot be masked, naming each', async () => {
    await writeFile(join(dir, 'pin.txt'), 'ab\n');
    const error = await resolveSecrets(
      { PIN: { fromEnv: 'SHORT' }, CODE: { fromFile: 'pin.txt' }, EMPTY: { fromEnv: 'EMPTY' } },
      { ...options(), env: { SHORT: '7', EMPTY: '' } },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_SECRET_TOO_SHORT' });
    expect((error as Error).message).toBe(
      '2 secrets cannot be used:\n' +
        '  - secret PIN of context aws-prod: the value read from environment variable SHORT is 1 character long; secrets shorter than 3 characters cannot be masked\n' +
        '  - secret CODE of context aws-prod: the value read from file "pin.txt" is 2 characters long; secrets shorter than 3 characters cannot be masked',
    );
  });

  it('names the secret, its context and the variable when the environment lacks it', async () => {
    const error = await resolveSecrets({ DB_PASSWORD: { fromEnv: 'UNSET' } }, options()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'E_SECRET_MISSING',
      message: 'secret DB_PASSWORD of context aws-prod: environment variable UNSET is not set',
      hint: 'export UNSET=... before running stackfleet',
    });
  });

  it('fails on an unreadable file', async () => {
    await expect(resolveSecrets({ TOKEN: { fromFile: 'nope.txt' } }, options())).rejects.toMatchObject({
      code: 'E_SECRET_MISSING',
      message: `secret TOKEN of context aws-prod: cannot read file "${join(dir, 'nope.txt')}" (ENOENT)`,
    });
  });

  it('fails on a failing command, with its stderr and any printed secret masked', async () => {
    const error = await resolveSecrets(
      { KEY: { fromCommand: 'echo partial-secret; echo "denied for partial-secret" >&2; exit 3' } },
      options(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_SECRET_MISSING' });
    expect((error as Error).message).toMatch(/exited with code 3: denied for \*\*\*$/);
  });
});
