/**
 * The JSON Schema of the input document policies see (`input`), written out
 * to `schema/policy-input.schema.json` and documented in docs/policies.md.
 * `kind: plan` documents have `stack`; `kind: run` and `kind: access` have `stacks`.
 */
const count = { type: 'number', minimum: 0 };
const actor = {
  type: 'object',
  required: ['login', 'name', 'source', 'teams'],
  properties: {
    login: { type: 'string' },
    name: { type: 'string' },
    source: { type: 'string', description: 'STACKFLEET_ACTOR, GITHUB_ACTOR, GITLAB_USER_LOGIN, git or user@host' },
    teams: { type: 'array', items: { type: 'string' } },
  },
};
const stack = {
  type: 'object',
  required: ['name', 'labels', 'repo', 'path', 'runner'],
  properties: {
    name: { type: 'string' },
    labels: { type: 'array', items: { type: 'string' } },
    repo: { type: ['string', 'null'] },
    path: { type: 'string' },
    runner: { enum: ['terraform', 'tofu', 'command'] },
  },
};
const changes = {
  type: 'object',
  required: ['add', 'change', 'destroy', 'replace', 'total', 'known'],
  properties: { add: count, change: count, destroy: count, replace: count, total: count, known: { type: 'boolean' } },
};
const change = {
  type: 'object',
  required: ['actions'],
  properties: {
    actions: { type: 'array', items: { enum: ['create', 'read', 'update', 'delete', 'no-op', 'forget'] } },
    before: {},
    after: {},
    after_unknown: {},
    before_sensitive: {},
    after_sensitive: {},
  },
};
const terraform = {
  type: 'object',
  description: 'terraform/tofu stacks only (sanitized `terraform show -json`); test with has(input.terraform)',
  required: ['resource_changes', 'output_changes'],
  properties: {
    resource_changes: {
      type: 'array',
      items: { type: 'object', required: ['address', 'type', 'change'], properties: { address: { type: 'string' }, type: { type: 'string' }, name: { type: 'string' }, mode: { type: 'string' }, change } },
    },
    output_changes: { type: 'object', additionalProperties: change },
  },
};
const approvals = {
  type: 'array',
  items: {
    type: 'object',
    required: ['by', 'at', 'teams'],
    properties: { by: { type: 'string' }, at: { type: 'string', format: 'date-time' }, comment: { type: 'string' }, teams: { type: 'array', items: { type: 'string' } } },
  },
};

export const POLICY_INPUT_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://stackfleet.dev/schema/policy-input.schema.json',
  title: 'stackfleet policy input document',
  type: 'object',
  required: ['run'],
  properties: {
    run: {
      type: 'object',
      required: ['id', 'command', 'type', 'actor', 'branch', 'commit'],
      properties: {
        id: { type: 'string' },
        command: { enum: ['plan', 'apply', 'destroy', 'drift'] },
        type: { enum: ['proposed', 'tracked', 'drift', 'local'] },
        actor,
        plannedBy: actor,
        branch: { type: ['string', 'null'] },
        commit: { type: ['string', 'null'] },
        pr: { type: 'number' },
      },
    },
    stack,
    changes,
    terraform,
    approvals,
    stacks: {
      type: 'array',
      description: 'kind: run (with changes and terraform) and kind: access (stack only)',
      items: { type: 'object', required: ['stack'], properties: { stack, changes, terraform } },
    },
  },
} as const;
