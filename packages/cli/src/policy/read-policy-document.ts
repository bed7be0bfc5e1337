import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StackfleetError } from '@stackfleet/core';
import { describeNonPlan } from '@stackfleet/policy';
import { displayPath } from '../manifest/read-manifest.js';

/** How to make a plan document, for every hint that asks for one. */
const MAKE_PLAN = 'terraform plan -out=tfplan && terraform show -json tfplan > plan.json';

/** Where a document's path came from, for messages: `--plan`, or a test case's `plan:`. */
export interface DocumentOrigin {
  /** Resolves the path (the current directory, or the test file's). */
  dir: string;
  /** Printed paths are relative to it. */
  cwd: string;
  /** `--plan`, `--input`, `cases[0].plan`. */
  via: string;
  /** What to do instead, for the hint of a document that is not a plan. */
  instead: string;
}

/**
 * `terraform show -json PLANFILE` output from a file (`policy eval --plan`,
 * a test case's `plan:`). The one reader of plan documents for policies: any
 * other JSON (a state, `{}`, an input document) is refused, since it would
 * read as a plan without changes and be allowed.
 */
export function readPlanDocument(path: string, origin: DocumentOrigin): Record<string, unknown> {
  const { document, shown } = readDocumentFile(path, origin);
  const reason = describeNonPlan(document);
  if (reason !== undefined) {
    throw new StackfleetError('E_POLICY_INPUT', `${shown} (${origin.via}) is not a plan from \`terraform show -json PLANFILE\`: ${reason}`, {
      hint: `make one with: ${MAKE_PLAN}; ${origin.instead}`,
    });
  }
  return document as Record<string, unknown>;
}

/** An input document from a file (`policy eval --input`). */
export function readInputDocument(path: string, origin: DocumentOrigin): unknown {
  return readDocumentFile(path, origin).document;
}

/** A JSON (or, by its extension, YAML) document. */
function readDocumentFile(path: string, origin: DocumentOrigin): { document: unknown; shown: string } {
  const absolute = resolve(origin.dir, path);
  const shown = displayPath(origin.cwd, absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new StackfleetError('E_USAGE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { hint: 'check the path' });
  }
  try {
    return { document: /\.ya?ml$/.test(path) ? parseYaml(text) : JSON.parse(text), shown };
  } catch (error) {
    throw new StackfleetError('E_USAGE', `${path} is not valid ${/\.ya?ml$/.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message}`, {
      hint: 'pass an input document (see docs/policies.md) or `terraform show -json` output with --plan',
    });
  }
}
