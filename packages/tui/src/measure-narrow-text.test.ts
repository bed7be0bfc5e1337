import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { measureNarrowText } from './measure-narrow-text.js';

type StringWidth = (text: string) => number;

/** Each `string-width` ink's modules import, found the way they resolve it. */
async function loadInksStringWidths(): Promise<Map<string, StringWidth>> {
  const fromHere = createRequire(import.meta.url);
  const inkOutput = fromHere.resolve('ink').replace(/index\.js$/, 'output.js');
  const importers = [inkOutput, fromHere.resolve('widest-line'), createRequire(inkOutput).resolve('wrap-ansi'), createRequire(inkOutput).resolve('cli-truncate')];
  const widths = new Map<string, StringWidth>();
  for (const importer of importers) {
    const path = createRequire(importer).resolve('string-width');
    widths.set(path, ((await import(path)) as { default: StringWidth }).default);
  }
  return widths;
}

const narrowRanges: [number, number][] = [
  [0x20, 0x7e],
  [0xb7, 0xb7],
  [0x2026, 0x2026],
  [0x2500, 0x259f],
  [0x2800, 0x28ff],
];

describe('measureNarrowText', () => {
  it('agrees with every string-width ink uses on each narrow character, alone and in coloured lines', async () => {
    const widths = await loadInksStringWidths();
    expect(widths.size).toBeGreaterThan(0);
    const samples: string[] = [];
    for (const [from, to] of narrowRanges) for (let code = from; code <= to; code += 1) samples.push(String.fromCharCode(code));
    samples.push(
      '⠋ stack-0001                        55ms    apply',
      'apply 47/50 ███████████████████░ 94% · ETA 245ms · 2.6s',
      '\u001B[1m\u001B[36m⠋ \u001B[39mstack-0001\u001B[22m',
      '\u001B[2m── log: s41 (0 lines) ──\u001B[22m',
      '\u001B[m plain after an empty SGR',
      'name-that-is-too-lo…',
      '',
    );
    for (const [path, stringWidth] of widths) {
      for (const sample of samples) expect({ path, sample, width: measureNarrowText(sample) }).toEqual({ path, sample, width: stringWidth(sample) });
    }
  });

  it('leaves wide, combining, emoji, control characters and other escapes to string-width', () => {
    for (const text of ['漢字', 'e\u0301', '✅ done', 'tab\there', 'line\nbreak', '\u001B]8;;https://x\u0007link', '\u001B[2K', '\u009B31m', '✓ ok', '\u00A0']) {
      expect({ text, width: measureNarrowText(text) }).toEqual({ text, width: undefined });
    }
  });
});
