import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../process/run-process.js';
import { createMasker } from './masker.js';
import { maskDeep, sensitiveOutputValues } from './mask-deep.js';
import { sealSecretOutputs } from './seal-secret-outputs.js';

describe('createMasker', () => {
  it('replaces every occurrence, longest value first', () => {
    const masker = createMasker(['hunter2', 'hunter2-admin']);
    expect(masker.mask('a hunter2-admin b hunter2 c hunter2')).toBe('a *** b *** c ***');
  });

  it('ignores empty and very short values', () => {
    const masker = createMasker(['', 'ab', ' x ']);
    expect(masker.mask('ab x abc')).toBe('ab x abc');
  });

  it('treats regex characters literally', () => {
    expect(createMasker(['a.b*c']).mask('a.b*c axbbc')).toBe('*** axbbc');
  });

  it('masks each line of a multi-line secret and its JSON-escaped form', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----';
    const masker = createMasker([key]);
    expect(masker.mask('MIIEvQIBADANBg')).toBe('***');
    expect(masker.mask(JSON.stringify({ key }))).toBe('{"key":"***"}');
    expect(createMasker(['pa"ss\\wd']).mask(JSON.stringify('pa"ss\\wd'))).toBe('"***"');
  });

  it('masks values too long for one regular expression (a 300 kB sensitive output), longest first', () => {
    const huge = 'x'.repeat(300_000);
    const containsHuge = `${huge}-and-more`.repeat(2);
    const masker = createMasker(['short-secret']);
    masker.add([huge, containsHuge]);
    expect(masker.mask(`a ${containsHuge} b ${huge} c short-secret`)).toBe('a *** b *** c ***');
  });

  it('masks values added later', () => {
    const masker = createMasker([]);
    expect(masker.mask('token-123')).toBe('token-123');
    masker.add(['token-123']);
    expect(masker.mask('token-123')).toBe('***');
  });

  it('masks a secret that reaches the pipe in two chunks', async () => {
    const masker = createMasker(['s3cr3t-value']);
    const lines: string[] = [];
    await runProcess({
      argv: ['sh', '-c', "printf 'before s3cr3t'; sleep 0.1; printf -- '-value after\\n'"],
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      onLine: (_stream, line) => lines.push(masker.mask(line)),
    });
    expect(lines).toEqual(['before *** after']);
  });
});

describe('maskDeep', () => {
  it('masks strings anywhere in a value without changing the input', () => {
    const masker = createMasker(['hunter2']);
    const event = { type: 'stack.log', line: 'pw=hunter2', nested: [{ hunter2: 'x hunter2' }], n: 1 };
    expect(maskDeep(event, masker)).toEqual({ type: 'stack.log', line: 'pw=***', nested: [{ '***': 'x ***' }], n: 1 });
    expect(event.line).toBe('pw=hunter2');
  });
});

describe('sensitiveOutputValues', () => {
  it('returns string forms of sensitive outputs only', () => {
    expect(
      sensitiveOutputValues({
        password: { value: 'hunter2', sensitive: true },
        port: { value: 5432, sensitive: true },
        creds: { value: { user: 'admin', token: 'abc-123' }, sensitive: true },
        public: { value: 'visible', sensitive: false },
      }),
    ).toEqual(['hunter2', '5432', '{"user":"admin","token":"abc-123"}', 'admin', 'abc-123']);
  });
});

describe('sealSecretOutputs', () => {
  it('marks sensitive every output whose value carries a known secret, nested or JSON-escaped, and nothing else', () => {
    const masker = createMasker(['tok-123', 'line one\nline "two"']);
    const sealed = sealSecretOutputs(
      {
        header: { value: 'Bearer tok-123', sensitive: false },
        nested: { value: { list: ['x', 'line "two"'] }, sensitive: false },
        already: { value: 'anything', sensitive: true },
        plain: { value: 'tok-12', sensitive: false },
        port: { value: 5432, sensitive: false },
      },
      masker,
    );
    expect(Object.fromEntries(Object.entries(sealed).map(([name, output]) => [name, output.sensitive]))).toEqual({
      header: true,
      nested: true,
      already: true,
      plain: false,
      port: false,
    });
  });

  it('masks each trimmed line of a multi-line secret printed re-indented', () => {
    const masker = createMasker(['-----BEGIN-----\n  MIIEvQIBADANBg  \n-----END-----']);
    expect(masker.mask('    MIIEvQIBADANBg')).toBe('    ***');
  });
});
