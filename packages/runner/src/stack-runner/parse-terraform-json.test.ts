import { describe, expect, it } from 'vitest';
import { parsePlanChanges, parseTerraformOutputs } from './parse-terraform-json.js';

const change = (address: string, actions: string[]) => ({ address, change: { actions } });

describe('parsePlanChanges', () => {
  it('counts creates, updates, deletes and replaces in either order; ignores no-op and read', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        change('terraform_data.a', ['create']),
        change('terraform_data.b', ['update']),
        change('terraform_data.c', ['delete']),
        change('terraform_data.d', ['delete', 'create']),
        change('terraform_data.e', ['create', 'delete']),
        change('terraform_data.f', ['no-op']),
        change('data.x.y', ['read']),
      ],
      output_changes: { id: { actions: ['create'] } },
    };
    expect(parsePlanChanges('app', JSON.stringify(plan))).toEqual({
      create: 1,
      update: 1,
      delete: 1,
      replace: 2,
      resources: [
        { address: 'terraform_data.a', action: 'create' },
        { address: 'terraform_data.b', action: 'update' },
        { address: 'terraform_data.c', action: 'delete' },
        { address: 'terraform_data.d', action: 'replace' },
        { address: 'terraform_data.e', action: 'replace' },
      ],
    });
  });

  it('treats a plan without resource_changes as no resource changes', () => {
    expect(parsePlanChanges('app', '{"format_version":"1.2"}')).toMatchObject({ create: 0, update: 0, delete: 0, replace: 0 });
  });

  it('names the stack when the JSON is invalid', () => {
    expect(() => parsePlanChanges('app', 'Error: nope')).toThrow(/^stack "app": show -json printed invalid JSON/);
  });
});

describe('parseTerraformOutputs', () => {
  it('keeps values and sensitivity', () => {
    const text = JSON.stringify({
      id: { sensitive: false, type: 'string', value: 'abc' },
      password: { sensitive: true, type: 'string', value: 'hunter2' },
      list: { sensitive: false, type: ['list', 'number'], value: [1, 2] },
    });
    expect(parseTerraformOutputs('app', text)).toEqual({
      id: { value: 'abc', sensitive: false },
      password: { value: 'hunter2', sensitive: true },
      list: { value: [1, 2], sensitive: false },
    });
  });

  it('rejects anything but an object', () => {
    expect(() => parseTerraformOutputs('app', '[]')).toThrow('stack "app": output -json did not print a JSON object');
  });
});
