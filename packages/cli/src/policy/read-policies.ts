import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StackfleetError, ValidationError, type Problem } from '@stackfleet/core';
import { checkApproverTeams, groupPolicyAttachments, parsePolicyFile, type LoadedPolicy, type ParsedPolicy, type Policy } from '@stackfleet/policy';
import { noteCompiledPart } from '../compile-cache/note-compiled-part.js';
import { displayPath, type Fleet } from '../manifest/read-manifest.js';

/**
 * Reads and parses every policy file the manifest names (IO around the pure
 * `parsePolicyFile`). Collects every problem of every file, then throws one
 * ValidationError: a policy that does not parse must stop the run (fail closed).
 * A file named by several entries (each narrowed its own way) is one policy
 * (`groupPolicyAttachments`): read and reported once, judging a stack once.
 */
export function readManifestPolicies(fleet: Fleet, cwd: string): LoadedPolicy[] {
  // A run judged by policies runs code others do not (the engine, CEL, the plan-first apply): the compile cache keeps it too.
  if (fleet.loaded.manifest.policies.length > 0) noteCompiledPart('policies');
  const problems: Problem[] = [];
  const loaded: LoadedPolicy[] = [];
  for (const { file: path, index, refs } of groupPolicyAttachments(fleet.loaded.manifest.policies, (ref) => resolve(fleet.manifestDir, ref.file))) {
    const result = readPolicyText(path, cwd);
    if (typeof result !== 'string') {
      problems.push({ ...result, keyPath: `policies[${index}].file`, location: fleet.loaded.locate(`policies[${index}].file`) });
      continue;
    }
    const parsed = parsePolicyOnce(result, displayPath(cwd, path), dirname(path));
    problems.push(...parsed.problems);
    if (parsed.policy) loaded.push({ refs, policy: parsed.policy });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}

/**
 * What `validate` warns about in the manifest's policy files (each already
 * read by `readManifestPolicies`, so parsed once): `team:NAME` approvers that
 * name no team of the manifest (see `checkApproverTeams`).
 */
export function collectPolicyWarnings(fleet: Fleet, cwd: string): Problem[] {
  const teams = Object.keys(fleet.loaded.manifest.teams);
  // A file the manifest names twice (for different stacks) warns once.
  const paths = new Set(fleet.loaded.manifest.policies.map((ref) => resolve(fleet.manifestDir, ref.file)));
  return [...paths].flatMap((path) => {
    const text = readPolicyText(path, cwd);
    if (typeof text !== 'string') return [];
    return checkApproverTeams(parsePolicyOnce(text, displayPath(cwd, path), dirname(path)).approverTeams ?? [], teams);
  });
}

/** One policy file by path (for `policy eval` and `policy test`); throws with every problem. */
export function readPolicy(path: string, cwd: string, relativeTo: PathBase = 'the current directory'): Policy {
  const absolute = resolve(cwd, path);
  const result = readPolicyText(absolute, cwd, relativeTo);
  if (typeof result !== 'string') throw new StackfleetError(result.code, result.message, { hint: result.hint });
  const parsed = parsePolicyFile(result, { source: displayPath(cwd, absolute), dir: dirname(absolute) });
  if (parsed.policy === undefined) throw new ValidationError(parsed.problems);
  return parsed.policy;
}

/**
 * Parsed policies by file text and place, for the life of the process: one
 * `apply` asks for the manifest's policies up to three times (whether they
 * judge the plans, then the gate of the plan run and of the apply run), and
 * parsing checks every CEL expression. The file is read every time, so an
 * edit between the runs is still seen; only the same text is not parsed again.
 */
const parsedPolicies = new Map<string, ParsedPolicy>();

function parsePolicyOnce(text: string, source: string, dir: string): ParsedPolicy {
  const key = JSON.stringify([source, dir, text]);
  let parsed = parsedPolicies.get(key);
  if (parsed === undefined) parsedPolicies.set(key, (parsed = parsePolicyFile(text, { source, dir })));
  return parsed;
}

type PathBase = 'the manifest' | 'the current directory' | 'the test file';

/** `relativeTo`: what a wrong path is relative to, for the hint (the manifest's `policies:`, or a command's argument). */
function readPolicyText(path: string, cwd: string, relativeTo: PathBase = 'the manifest'): string | Problem {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      // `file: ""` or `file: policies/` in the manifest: the path names a directory.
      const shown = displayPath(cwd, path) || '.';
      return relativeTo === 'the manifest'
        ? { code: 'E_POLICY_MISSING', message: `file must name a policy file, not a directory (${shown})`, hint: 'name a *.policy.yaml file, relative to the manifest' }
        : { code: 'E_POLICY_MISSING', message: `${shown} is a directory, not a policy file`, hint: `name a *.policy.yaml file (relative to ${relativeTo})` };
    }
    return {
      code: 'E_POLICY_MISSING',
      message: `cannot read policy file ${displayPath(cwd, path)}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      hint: code === 'ENOENT' ? `create it, or fix the path (relative to ${relativeTo})` : 'check the file permissions',
    };
  }
}
