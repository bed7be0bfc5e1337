import type { Node } from 'yaml';
import { didYouMean } from '@stackfleet/core';
import { POLICY_INPUT_JSON_SCHEMA } from '../input/input-schema.js';
import { isMap, isScalar, isSeq } from '../parse/policy-source.js';
import { readKnownPairs, type ReportTestFileProblem } from './test-file-problems.js';

/** The part of a JSON Schema this check reads. */
interface SchemaPart {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, SchemaPart>>;
  items?: SchemaPart;
  enum?: readonly string[];
}

/**
 * A case's `run`, `stack` and `approvals` are merged into the input document
 * a run would build, so they are checked against that document's schema
 * (the one home of its field names): a misspelt `lables:` would otherwise be
 * dropped and the case would test the default stack.
 */
export const CASE_INPUT_PARTS: Readonly<Record<'run' | 'stack' | 'approvals', SchemaPart>> = {
  run: POLICY_INPUT_JSON_SCHEMA.properties.run,
  stack: POLICY_INPUT_JSON_SCHEMA.properties.stack,
  approvals: POLICY_INPUT_JSON_SCHEMA.properties.approvals,
};

/** Reports unknown keys, wrong shapes and unknown enum values under `node`; true when all is well. */
export function checkInputPart(node: Node | null | undefined, schema: SchemaPart, at: string, report: ReportTestFileProblem): boolean {
  let clean = true;
  const count: ReportTestFileProblem = (...problem) => {
    clean = false;
    report(...problem);
  };
  walk(node, schema, at, count);
  return clean;
}

function walk(node: Node | null | undefined, schema: SchemaPart, at: string, report: ReportTestFileProblem): void {
  const name = at.replace(/\[\d+\]$/, '').split('.').pop() ?? at;
  if (schema.properties !== undefined) {
    if (!isMap(node)) return report(node, at, 'expected a map', `write ${name}: { ${Object.keys(schema.properties).join(', ')} } (any of them)`);
    const properties = schema.properties;
    for (const [key, pair] of readKnownPairs(node, at, Object.keys(properties), report)) walk(pair.value as Node, properties[key]!, `${at}.${key}`, report);
    return;
  }
  if (schema.items !== undefined) {
    if (!isSeq(node)) return report(node, at, 'expected a list', `write ${name}: [ ... ]`);
    node.items.forEach((item, index) => walk(item as Node, schema.items!, `${at}[${index}]`, report));
    return;
  }
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (schema.enum !== undefined) {
    if (typeof value !== 'string' || !schema.enum.includes(value)) {
      report(node, at, `unknown ${name} ${JSON.stringify(value ?? null)}${didYouMean(String(value), schema.enum)}`, `use one of: ${schema.enum.join(', ')}`);
    }
    return;
  }
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  const actual = value === null ? 'null' : typeof value;
  if (types.length > 0 && (!isScalar(node) || !types.includes(actual))) {
    report(node, at, `expected ${types.map((type) => (type === 'null' ? 'null' : `a ${type}`)).join(' or ')}`, `write ${name}: ${types[0] === 'number' ? '1' : '"..."'}`);
  }
}
