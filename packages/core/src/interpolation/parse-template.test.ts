import { describe, expect, it } from 'vitest';
import { StackfleetError } from '../errors.js';
import { hasTemplate, parseTemplate } from './parse-template.js';

function syntaxError(text: string): string {
  try {
    parseTemplate(text);
  } catch (error) {
    if (error instanceof StackfleetError) return `${error.code} ${error.format()}`;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseTemplate', () => {
  it('splits text and every kind of reference', () => {
    expect(
      parseTemplate('a ${{ vars.region }}-${{env.HOME}} ${{ stacks.net.outputs.ids.0 }} ${{ stack.name }}'),
    ).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'reference', reference: { root: 'vars', name: 'region', path: [] }, source: '${{ vars.region }}', offset: 2 },
      { kind: 'text', text: '-' },
      { kind: 'reference', reference: { root: 'env', name: 'HOME' }, source: '${{env.HOME}}', offset: 21 },
      { kind: 'text', text: ' ' },
      {
        kind: 'reference',
        reference: { root: 'stacks', stack: 'net', output: 'ids', path: ['0'] },
        source: '${{ stacks.net.outputs.ids.0 }}',
        offset: 35,
      },
      { kind: 'text', text: ' ' },
      { kind: 'reference', reference: { root: 'stack', field: 'name' }, source: '${{ stack.name }}', offset: 67 },
    ]);
  });

  it('reads nested variable paths', () => {
    expect(parseTemplate('${{ vars.tags.team }}')).toEqual([
      { kind: 'reference', reference: { root: 'vars', name: 'tags', path: ['team'] }, source: '${{ vars.tags.team }}', offset: 0 },
    ]);
  });

  it('treats $${{ as a literal ${{', () => {
    expect(parseTemplate('echo $${{ not.parsed }}')).toEqual([{ kind: 'text', text: 'echo ${{ not.parsed }}' }]);
    expect(hasTemplate('echo $${{ not.parsed }}')).toBe(false);
    expect(hasTemplate('x ${{ vars.a }}')).toBe(true);
  });

  it('leaves plain strings and stray braces alone', () => {
    expect(parseTemplate('a }} b ${ c')).toEqual([{ kind: 'text', text: 'a }} b ${ c' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('rejects an unclosed expression', () => {
    expect(syntaxError('x ${{ vars.a')).toMatchInlineSnapshot(`
      "E_INTERPOLATION unclosed "\${{" in "x \${{ vars.a"
        hint: close the expression with "}}", or write "$\${{" for a literal "\${{""
    `);
  });

  it('rejects an unknown root with a suggestion', () => {
    expect(syntaxError('${{ foo.bar }}')).toMatchInlineSnapshot(`
      "E_INTERPOLATION unknown expression root "foo" in "\${{ foo.bar }}"
        hint: write "\${{ vars.NAME }}", "\${{ env.NAME }}", "\${{ stacks.NAME.outputs.KEY }}" or "\${{ stack.name }}""
    `);
    expect(syntaxError('${{ var.region }}')).toContain('(did you mean "vars"?)');
  });

  it('rejects malformed expressions', () => {
    expect(syntaxError('${{ }}')).toMatchInlineSnapshot(`
      "E_INTERPOLATION empty expression "\${{ }}"
        hint: write "\${{ vars.NAME }}", "\${{ env.NAME }}", "\${{ stacks.NAME.outputs.KEY }}" or "\${{ stack.name }}""
    `);
    expect(syntaxError('${{ stacks.net.output.id }}')).toMatchInlineSnapshot(`
      "E_INTERPOLATION invalid expression "\${{ stacks.net.output.id }}"
        hint: write "\${{ stacks.NAME.outputs.KEY }}""
    `);
    expect(syntaxError('${{ vars.a b }}')).toContain('invalid expression');
    expect(syntaxError('${{ env.A.B }}')).toContain('write "${{ env.NAME }}"');
    expect(syntaxError('${{ vars }}')).toContain('write "${{ vars.NAME }}"');
    expect(syntaxError('${{ stack }}')).toContain('write "${{ stack.name }}"');
  });
});
