import { describe, expect, it } from 'vitest';
import { StackfleetError } from '../errors.js';
import { renderTemplate, renderValue, type TemplateScope } from './render-template.js';

const scope: TemplateScope = {
  vars: { region: 'eu-west-1', count: 3, tags: { team: 'core' } },
  env: { HOME: '/home/ci' },
  outputs: (stack) => (stack === 'network' ? { subnet_id: 'subnet-1', ids: ['a', 'b'] } : undefined),
  stackName: 'app',
};

function renderError(text: string): string {
  try {
    renderTemplate(text, scope);
  } catch (error) {
    if (error instanceof StackfleetError) return `${error.code} ${error.format()}`;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('renderTemplate', () => {
  it('replaces every kind of reference', () => {
    expect(
      renderTemplate(
        '${{ vars.region }} ${{ env.HOME }} ${{ stacks.network.outputs.subnet_id }} ${{ stack.name }} ${{ vars.tags.team }}',
        scope,
      ),
    ).toBe('eu-west-1 /home/ci subnet-1 app core');
  });

  it('JSON-encodes non-string values', () => {
    expect(renderTemplate('n=${{ vars.count }} ids=${{ stacks.network.outputs.ids }}', scope)).toBe('n=3 ids=["a","b"]');
  });

  it('unescapes $${{', () => {
    expect(renderTemplate('echo $${{ github.sha }}', scope)).toBe('echo ${{ github.sha }}');
  });

  it('names the stack and key of a missing output', () => {
    expect(renderError('${{ stacks.db.outputs.url }}')).toMatchInlineSnapshot(`
      "E_OUTPUT_MISSING stack "db" has no outputs yet (needed by "\${{ stacks.db.outputs.url }}"): apply it first, or give plans a mock
        hint: apply "db" first, or add a mock for plans: dependsOn: [{ stack: db, mock: { url: ... } }]"
    `);
    expect(renderError('${{ stacks.network.outputs.subnet }}')).toMatchInlineSnapshot(`
      "E_OUTPUT_MISSING stack "network" has no output "subnet" (needed by "\${{ stacks.network.outputs.subnet }}") (did you mean "subnet_id"?)
        hint: declare output "subnet" in "network" and apply it, or add a mock for plans under dependsOn[].mock"
    `);
  });

  it('reports a missing environment variable', () => {
    expect(renderError('${{ env.TOKEN }}')).toMatchInlineSnapshot(`
      "E_ENV_MISSING environment variable "TOKEN" is not set (needed by "\${{ env.TOKEN }}")
        hint: export TOKEN before running stackfleet"
    `);
  });

  it('reports unknown variables and fields', () => {
    expect(renderError('${{ vars.regoin }}')).toContain('unknown variable "regoin" in "${{ vars.regoin }}" (did you mean "region"?)');
    expect(renderError('${{ vars.tags.owner }}')).toContain('has no key "owner"');
    expect(renderError('${{ stack.nam }}')).toContain('(did you mean "name"?)');
  });
});

describe('renderValue', () => {
  it('keeps the type of a whole-string expression and renders deeply', () => {
    expect(
      renderValue(
        { ids: '${{ stacks.network.outputs.ids }}', n: '${{ vars.count }}', nested: [{ s: 'r-${{ vars.region }}' }], flag: true },
        scope,
      ),
    ).toEqual({ ids: ['a', 'b'], n: 3, nested: [{ s: 'r-eu-west-1' }], flag: true });
  });

  it('does not treat surrounding text as a whole-string expression', () => {
    expect(renderValue(' ${{ vars.count }}', scope)).toBe(' 3');
  });
});
