/**
 * Checks requests against GitHub's published OpenAPI description
 * (`@octokit/openapi`, api.github.com): the method and path must be an
 * operation GitHub has, and a JSON body must validate against that
 * operation's request schema. The fake server refuses anything else with a
 * 422 naming the problem, so a test cannot pass on a request GitHub would
 * reject.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

interface OpenApiOperation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface MatchedOperation {
  operationId: string;
  /** The OpenAPI path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  template: string;
  params: Record<string, string>;
}

interface CompiledPath {
  template: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments count: more literal = more specific (`/user/repos` before `/users/{username}`). */
  literals: number;
}

let loaded: { document: OpenApiDocument; paths: CompiledPath[]; ajv: Ajv } | undefined;

/** Loads the 13 MB description once per process (the dereferenced one is 73 MB: not that one). */
function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  rewriteNullable(document);
  const paths = Object.keys(document.paths).map((template): CompiledPath => {
    const names: string[] = [];
    const source = template
      .split('/')
      .map((segment) =>
        segment.replace(/\{([^}]+)\}|[^{}]+/g, (part: string, name: string | undefined) => {
          if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        }),
      )
      .join('/');
    return { template, pattern: new RegExp(`^${source}$`), names, literals: template.split('/').filter((s) => s !== '' && !s.includes('{')).length };
  });
  paths.sort((a, b) => b.literals - a.literals);
  // OpenAPI 3.0 keywords (nullable, example, discriminator…) are not JSON Schema: not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, 'github');
  loaded = { document, paths, ajv };
  return loaded;
}

const validators = new Map<string, ValidateFunction>();

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: turn `{ type: T, nullable: true }`
 * into `{ type: [T, "null"] }` (and drop a `nullable` that has no `type`), once, in place.
 */
function rewriteNullable(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    if ('nullable' in record && typeof record.nullable === 'boolean') {
      if (record.nullable && typeof record.type === 'string') record.type = [record.type, 'null'];
      delete record.nullable;
    }
    for (const value of Object.values(record)) stack.push(value);
  }
}

/** Loads and indexes GitHub's description now (about a second), instead of on the first request. */
export function preloadOpenApi(): void {
  load();
}

/** The operation a request targets, or an error message when GitHub has no such operation. */
export function matchOperation(method: string, pathname: string): MatchedOperation | string {
  const { document, paths } = load();
  const lower = method.toLowerCase();
  for (const candidate of paths) {
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    const operation = document.paths[candidate.template]?.[lower];
    if (!operation) continue;
    const params: Record<string, string> = {};
    candidate.names.forEach((name, index) => {
      params[name] = decodeURIComponent(match[index + 1] ?? '');
    });
    return { operationId: operation.operationId ?? `${lower} ${candidate.template}`, template: candidate.template, params };
  }
  return `GitHub's API has no operation ${method.toUpperCase()} ${pathname}`;
}

/** Validates a JSON body against the operation's request schema; returns the problems (empty = valid). */
export function validateRequestBody(operation: MatchedOperation, method: string, body: unknown): string[] {
  const { document, ajv } = load();
  const lower = method.toLowerCase();
  const requestBody = document.paths[operation.template]?.[lower]?.requestBody;
  const schema = requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) return body === undefined ? [] : [];
  const key = `${lower} ${operation.template}`;
  let validate = validators.get(key);
  if (!validate) {
    const pointer = ['paths', operation.template, lower, 'requestBody', 'content', 'application/json', 'schema']
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    validate = ajv.compile({ $ref: `github#/${pointer}` });
    validators.set(key, validate);
  }
  if (validate(body ?? {})) return [];
  return (validate.errors ?? []).map((error) => `body${error.instancePath} ${error.message ?? 'is invalid'}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
}
