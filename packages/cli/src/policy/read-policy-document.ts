import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StackfleetError } from '@stackfleet/core';
import { describeNonPlan, parsePolicyDocument } from '@stackfleet/policy';
import { displayPath } from '../manifest/read-manifest.js';

/** How to make a plan document, for every hint that asks for one. */
const MAKE_PLAN = 'terraform plan -out=tfplan && terraform show -json tfplan > plan.json';

/** Where a document's path came from, for messages: `--input`, `--plan`, or a test case's `plan:`. */
export interface DocumentOrigin {
  /** Resolves the path (the current directory, or the test file's). */
  dir: string;
  /** Printed paths are relative to it. */
  cwd: string;
  /** `--plan`, `--input`, `cases[0].plan of x.policy.test.yaml`. */
  via: string;
  /** What a relative path is relative to, for the hint of a missing file. */
  relativeTo: string;
  /** For a plan: what to do instead, for the hint of a document that is not a plan. */
  instead?: string;
}

/**
 * `terraform show -json PLANFILE` output from a file (`policy eval --plan`,
 * a test case's `plan:`). The one reader of plan documents for policies: any
 * other JSON (a state, `{}`, an input document) is refused, since it would
 * read as a plan without changes and be allowed.
 */
export function readPlanDocument(path: string, origin: DocumentOrigin): Record<string, unknown> {
  const { document, shown } = readDocumentFile(path, origin, 'plan');
  const reason = describeNonPlan(document);
  if (reason !== undefined) {
    throw new StackfleetError('E_POLICY_INPUT', `${shown} (${origin.via}) is not a plan from \`terraform show -json PLANFILE\`: ${reason}`, {
      hint: `make one with: ${MAKE_PLAN}${origin.instead === undefined ? '' : `; ${origin.instead}`}`,
    });
  }
  return document as Record<string, unknown>;
}

/** An input document from a file (`policy eval --input`): an object. */
export function readInputDocument(path: string, origin: DocumentOrigin): Record<string, unknown> {
  return readDocumentFile(path, origin, 'input').document as Record<string, unknown>;
}

/** A JSON (or, by its extension, YAML) document; every failure a StackfleetError naming the file (and line:col). */
function readDocumentFile(path: string, origin: DocumentOrigin, kind: 'input' | 'plan'): { document: unknown; shown: string } {
  const absolute = resolve(origin.dir, path);
  const shown = displayPath(origin.cwd, absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackfleetError('E_POLICY_INPUT', `cannot read ${shown} (${origin.via}): ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message)}`, {
      hint: code === 'ENOENT' || code === 'EISDIR' ? `fix the path (relative to ${origin.relativeTo})` : 'check the file permissions',
    });
  }
  const parsed = parsePolicyDocument(text, shown, kind);
  const problem = parsed.problems[0];
  if (problem !== undefined) throw new StackfleetError(problem.code, problem.message, { hint: problem.hint, location: problem.location });
  return { document: parsed.document, shown };
}
