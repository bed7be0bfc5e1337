import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from './parse-template.js';
import { renderTemplate } from './render-template.js';

const scope = { vars: { a: 'x' }, env: {}, outputs: () => undefined, stackName: 'app' };

/** Makes any text literal by escaping every `${{`. */
// A function replacement: in a replacement string "$$" would mean one "$".
const escapeTemplate = (text: string) => text.replaceAll('${{', () => '$${{');

// Strings rich in the characters that matter, so the edge cases actually occur.
const templateish = fc.string({ unit: fc.constantFrom('$', '{', '}', 'a', ' ', '.', '${{', '}}') });

describe('template properties', () => {
  it('escaped text renders back to itself', () => {
    fc.assert(
      fc.property(templateish, (text) => {
        expect(renderTemplate(escapeTemplate(text), scope)).toBe(text);
      }),
    );
  });

  it('parsing either succeeds with parts that cover the text or throws E_INTERPOLATION', () => {
    fc.assert(
      fc.property(templateish, (text) => {
        try {
          const parts = parseTemplate(text);
          for (const part of parts) {
            if (part.kind === 'reference') expect(text.slice(part.offset, part.offset + part.source.length)).toBe(part.source);
          }
        } catch (error) {
          expect((error as { code?: string }).code).toBe('E_INTERPOLATION');
        }
      }),
    );
  });
});
