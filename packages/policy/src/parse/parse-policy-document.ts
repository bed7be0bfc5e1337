import { findJsonSyntaxError, findLineColumn, findLineStarts, type Problem } from '@stackfleet/core';
import { locateNode, readPolicyYaml } from './policy-source.js';

export interface ParsedPolicyDocument {
  /** Undefined when there is a problem. */
  document?: unknown;
  problems: Problem[];
}

const HINT_OBJECT = 'write one object: { "run": ..., "stack": ..., "changes": ... } (see "The input document" in docs/policies.md)';

/**
 * A document given to `policy eval` / `policy test` (an input document, a
 * `terraform show -json` plan): JSON, or YAML when `file` ends in .yaml/.yml.
 * Its problem carries file:line:col, as every problem of a policy file does:
 * `JSON.parse` alone says neither line nor column and quotes the text back
 * across lines. An input document must be an object: a list or a scalar is
 * refused here, where it can be pointed at, not later as "evaluation failed"
 * (a plan is checked for being a plan by `describeNonPlan`).
 */
export function parsePolicyDocument(text: string, file: string, kind: 'input' | 'plan'): ParsedPolicyDocument {
  if (/\.ya?ml$/.test(file)) {
    const { source, problems } = readPolicyYaml(text, file);
    if (problems.length > 0) return { problems: problems.slice(0, 1) };
    const root = source.document.contents;
    const document: unknown = source.document.toJS();
    const problem = kind === 'input' ? checkObject(document, () => locateNode(source, root)) : undefined;
    return problem === undefined ? { document, problems: [] } : { problems: [problem] };
  }
  let lineStarts: number[] | undefined;
  const locate = (offset: number) => ({ file, ...findLineColumn(text, (lineStarts ??= findLineStarts(text)), offset) });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const found = findJsonSyntaxError(text);
    const message = found?.message ?? ((error as Error).message.split('\n')[0] ?? 'invalid JSON');
    return {
      problems: [{ code: 'E_POLICY_INPUT', message: `invalid JSON: ${message}`, hint: 'fix the JSON there (a missing or extra comma, bracket or quote?)', ...(found ? { location: locate(found.offset) } : {}) }],
    };
  }
  const problem = kind === 'input' ? checkObject(document, () => locate(Math.max(0, text.search(/\S/)))) : undefined;
  return problem === undefined ? { document, problems: [] } : { problems: [problem] };
}

function checkObject(document: unknown, locateRoot: () => Problem['location']): Problem | undefined {
  if (document !== null && typeof document === 'object' && !Array.isArray(document)) return undefined;
  const what = Array.isArray(document) ? 'a list' : document === null || document === undefined ? 'empty' : `a ${typeof document}`;
  return { code: 'E_POLICY_INPUT', message: `the input document must be an object, it is ${what}`, hint: HINT_OBJECT, location: locateRoot() };
}
