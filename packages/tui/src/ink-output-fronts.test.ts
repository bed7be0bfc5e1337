import { createPainter } from '@stackfleet/core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStyledChars, joinStyledChars, tokenizeNarrowText, type AnsiToken, type AnsiTokenize, type StyledChar } from './ink-output-fronts.js';

interface RealAnsiTokenize extends AnsiTokenize {
  styledCharsFromTokens(tokens: AnsiToken[]): StyledChar[];
  styledCharsToString(chars: readonly StyledChar[]): string;
}

/** The `@alcalzone/ansi-tokenize` ink's output grid imports, found the way it resolves it (an ES module: its package.json, then its `import` entry). */
async function loadInksAnsiTokenize(): Promise<RealAnsiTokenize> {
  const inkOutput = createRequire(import.meta.url).resolve('ink').replace(/index\.js$/, 'output.js');
  const manifest = createRequire(inkOutput).resolve('@alcalzone/ansi-tokenize/package.json');
  const entry = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: { '.': { import: string } } }).exports['.'].import;
  return (await import(join(dirname(manifest), entry))) as RealAnsiTokenize;
}

const paint = createPainter(true);
const fragments = [
  'apply 47/50 ',
  '███████████████████░',
  ' 94% · ETA 245ms · 2.6s',
  '⠋ ',
  'stack-0001',
  '── log: s41 (0 lines) ──',
  'name-that-is-too-lo…',
  paint('bold', 'bold'),
  paint('dim', 'dim'),
  paint('cyan', '⠙ '),
  paint('bold', paint('cyan', 'both')),
  paint('red', paint('dim', 'red dim')),
  '\u001B[1;31mcompound\u001B[0m',
  '\u001B[38;5;123m256 colours\u001B[39m',
  '\u001B[mempty reset',
  '\u001B[1m\u001B[2mbold and dim\u001B[22m',
  '漢字',
  'e\u0301',
  '✅ done',
  '\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007',
  'tab\there',
  '\u001B[2K',
  '\u001B[31mnot closed',
  ' ',
  '',
];

/** Lines made of the fragments above, in a fixed pseudo-random order. */
function buildSamples(count: number): string[] {
  const samples = [...fragments];
  let seed = 17;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let index = 0; index < count; index += 1) {
    const parts = Array.from({ length: 1 + Math.floor(next() * 5) }, () => fragments[Math.floor(next() * fragments.length)]!);
    samples.push(parts.join(''));
  }
  return samples;
}

describe("ink's output fronts", () => {
  it('tokenize every line as the real tokenizer does', async () => {
    const real = await loadInksAnsiTokenize();
    for (let code = 0x20; code <= 0x7e; code += 1) expect(tokenizeNarrowText(String.fromCharCode(code), real)).toEqual(real.tokenize(String.fromCharCode(code)));
    for (const sample of buildSamples(1000)) expect({ sample, tokens: tokenizeNarrowText(sample, real) }).toEqual({ sample, tokens: real.tokenize(sample) });
  });

  it('style the tokens of every line as the real function does', async () => {
    const real = await loadInksAnsiTokenize();
    for (const sample of buildSamples(1000)) {
      const tokens = real.tokenize(sample);
      expect({ sample, chars: buildStyledChars(tokens, real) }).toEqual({ sample, chars: real.styledCharsFromTokens(tokens) });
    }
  });

  it('join styled cells into the same string as the real function, lines padded like ink pads a row', async () => {
    const real = await loadInksAnsiTokenize();
    const blank = (): StyledChar => ({ value: ' ', styles: [] });
    for (const sample of buildSamples(1000)) {
      const chars = buildStyledChars(real.tokenize(sample), real);
      for (const cells of [chars, [blank(), ...chars, blank(), blank()]]) {
        expect({ sample, text: joinStyledChars(cells, real) }).toEqual({ sample, text: real.styledCharsToString(cells) });
      }
    }
    expect(joinStyledChars([], real)).toBe(real.styledCharsToString([]));
  });
});
