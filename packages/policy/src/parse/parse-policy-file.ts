import type { Node, Pair, Scalar } from 'yaml';
import { didYouMean, parseDuration, type ErrorCode, type Problem, type SourceLocation } from '@stackfleet/core';
import { checkExpression, type ExpectedType } from '../cel/compile-expression.js';
import { findUnknownReferences } from '../cel/find-unknown-references.js';
import {
  POLICY_EFFECTS,
  POLICY_ENGINES,
  POLICY_KINDS,
  type CelExpression,
  type Policy,
  type PolicyEffect,
  type PolicyRule,
} from '../types.js';
import { isMap, isScalar, isSeq, keyOf, locateInScalar, locateNode, mapPairs, readPolicyYaml, sortByLocation, type PolicySource } from './policy-source.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;

const TOP_KEYS = ['name', 'description', 'kind', 'engine', 'params', 'variables', 'rules', 'command', 'timeout'];
const RULE_KEYS = ['name', 'description', 'effect', 'when', 'message', 'approvals', 'approvers'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ParsePolicyOptions {
  /** The file as printed in messages, e.g. `policies/blast-radius.policy.yaml`. */
  source: string;
  /** Directory of the file; exec policies run there. @default "." */
  dir?: string;
}

export interface ParsedPolicy {
  /** Undefined when there is any problem: a policy that does not parse never evaluates. */
  policy?: Policy;
  problems: Problem[];
  /** Each `team:NAME` entry of the rules' approvers, where it is (for `checkApproverTeams`). */
  approverTeams?: ApproverTeam[];
}

/** `approvers: ["team:dba"]` -> `{ team: "dba", keyPath: "rules[0].approvers[0]", location }`. */
export interface ApproverTeam {
  team: string;
  keyPath: string;
  location: SourceLocation;
}

/**
 * Policy file text -> a validated policy. Collects every problem, each with
 * file:line:col (1-based), a key path, and a hint; CEL syntax and type errors
 * point at the offending character inside the expression.
 */
export function parsePolicyFile(text: string, options: ParsePolicyOptions): ParsedPolicy {
  const { source, problems } = readPolicyYaml(text, options.source);
  if (problems.length > 0) return { problems };
  const root = source.document.contents;
  if (!isMap(root)) {
    return {
      problems: [
        problem(source, root, '', 'E_POLICY_TYPE', 'a policy file must be a map', 'start with "kind: plan" and "rules:" (see docs/policies.md)'),
      ],
    };
  }
  const parser = new PolicyParser(source);
  const policy = parser.parse(root, options);
  return parser.problems.length > 0 ? { problems: sortByLocation(parser.problems) } : { policy, problems: [], approverTeams: parser.approverTeams };
}

class PolicyParser {
  readonly problems: Problem[] = [];
  readonly approverTeams: ApproverTeam[] = [];
  /** What expressions may read: the params' keys, and the variables read so far (a variable sees those before it). */
  private readonly known = { params: new Set<string>(), variables: new Set<string>() };
  /** Every variable the policy defines, also those after the expression being read. */
  private allVariables = new Set<string>();

  constructor(private readonly source: PolicySource) {}

  parse(root: Node, options: ParsePolicyOptions): Policy | undefined {
    const pairs = new Map<string, Pair>();
    for (const pair of mapPairs(root)) {
      const key = keyOf(pair);
      if (!TOP_KEYS.includes(key)) {
        this.add(pair.key as Node, key, 'E_POLICY_KEY', `unknown key "${key}"${didYouMean(key, TOP_KEYS)}`, `valid keys: ${TOP_KEYS.join(', ')}`);
        continue;
      }
      pairs.set(key, pair);
    }
    const kind = this.readEnum(pairs.get('kind'), 'kind', POLICY_KINDS, undefined, root);
    const engine = this.readEnum(pairs.get('engine'), 'engine', POLICY_ENGINES, 'cel', root);
    const name = this.readString(pairs.get('name'), 'name') ?? nameFromFile(options.source);
    const params = this.readParams(pairs.get('params'));
    for (const key of Object.keys(params)) this.known.params.add(key);
    const base = { name, source: options.source, dir: options.dir ?? '.', params };
    if (engine === 'exec') {
      for (const key of ['variables', 'rules']) {
        const pair = pairs.get(key);
        if (pair) this.add(pair.key as Node, key, 'E_POLICY_KEY', `"${key}" is for engine: cel`, 'an exec policy decides in its command; remove this key or use engine: cel');
      }
      const command = this.readString(pairs.get('command'), 'command');
      if (command === undefined && !pairs.has('command')) {
        this.add(root, '', 'E_POLICY_MISSING', 'missing required key "command"', 'an exec policy needs command: "..." (run with sh -c in the policy file\'s directory)');
      }
      const timeoutMs = this.readTimeout(pairs.get('timeout'));
      if (kind === undefined || command === undefined) return undefined;
      return { ...base, kind, engine, command, timeoutMs };
    }
    for (const key of ['command', 'timeout']) {
      const pair = pairs.get(key);
      if (pair) this.add(pair.key as Node, key, 'E_POLICY_KEY', `"${key}" is for engine: exec`, 'remove it, or set engine: exec');
    }
    const variables = this.readVariables(pairs.get('variables'));
    const rules = this.readRules(pairs.get('rules'), root);
    if (kind === undefined || engine === undefined) return undefined;
    return { ...base, kind, engine: 'cel', variables, rules };
  }

  private readEnum<T extends string>(pair: Pair | undefined, key: string, allowed: readonly T[], fallback: T | undefined, root: Node, keyPath = key): T | undefined {
    if (pair === undefined) {
      if (fallback === undefined) {
        this.add(root, key, 'E_POLICY_MISSING', `missing required key "${key}"`, `add "${key}: ${allowed[0]}" (one of ${allowed.join(', ')})`);
      }
      return fallback;
    }
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const code = key === 'kind' ? 'E_POLICY_KIND' : key === 'engine' ? 'E_POLICY_ENGINE' : 'E_POLICY_EFFECT';
    this.add(pair.value as Node, keyPath, code, `unknown ${key} ${JSON.stringify(value ?? null)}${didYouMean(String(value), allowed)}`, `use one of: ${allowed.join(', ')}`);
    return undefined;
  }

  private readString(pair: Pair | undefined, keyPath: string): string | undefined {
    if (pair === undefined) return undefined;
    if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value !== '') return pair.value.value;
    this.add((pair.value ?? pair.key) as Node, keyPath, 'E_POLICY_TYPE', 'expected a non-empty string', `write ${keyPath}: "..."`);
    return undefined;
  }

  private readParams(pair: Pair | undefined): Record<string, unknown> {
    if (pair === undefined) return {};
    if (!isMap(pair.value)) {
      this.add((pair.value ?? pair.key) as Node, 'params', 'E_POLICY_TYPE', 'expected a map', 'write params: { name: value, ... }');
      return {};
    }
    return (pair.value.toJS(this.source.document) ?? {}) as Record<string, unknown>;
  }

  private readTimeout(pair: Pair | undefined): number {
    if (pair === undefined) return DEFAULT_EXEC_TIMEOUT_MS;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === 0) {
      // A duration, but no time at all: the command could never answer.
      this.add(pair.value as Node, 'timeout', 'E_POLICY_TYPE', `timeout ${JSON.stringify(value)} leaves the command no time`, 'give it some, e.g. "10s" (the default when timeout is left out)');
      return DEFAULT_EXEC_TIMEOUT_MS;
    }
    if (ms === undefined) {
      this.add((pair.value ?? pair.key) as Node, 'timeout', 'E_POLICY_TYPE', `invalid duration ${JSON.stringify(value ?? null)}`, 'write a duration such as "10s", "1m" or "500ms"');
      return DEFAULT_EXEC_TIMEOUT_MS;
    }
    return ms;
  }

  private readVariables(pair: Pair | undefined): { name: string; expression: CelExpression }[] {
    if (pair === undefined) return [];
    if (!isMap(pair.value)) {
      this.add((pair.value ?? pair.key) as Node, 'variables', 'E_POLICY_TYPE', 'expected a map of name: CEL expression', 'write variables: { score: "..." }');
      return [];
    }
    const variables: { name: string; expression: CelExpression }[] = [];
    this.allVariables = new Set(mapPairs(pair.value).map(keyOf));
    for (const item of mapPairs(pair.value)) {
      const name = keyOf(item);
      const keyPath = `variables.${name}`;
      if (!IDENTIFIER.test(name)) {
        this.add(item.key as Node, keyPath, 'E_POLICY_NAME', `variable name "${name}" is not an identifier`, 'use letters, digits and _ (not first), e.g. blast_score');
        continue;
      }
      const expression = this.readExpression(item.value, keyPath, 'any');
      if (expression) variables.push({ name, expression });
      this.known.variables.add(name);
    }
    return variables;
  }

  private readRules(pair: Pair | undefined, root: Node): PolicyRule[] {
    if (pair === undefined || !isSeq(pair.value) || pair.value.items.length === 0) {
      const at = (pair?.value ?? pair?.key ?? root) as Node;
      this.add(at, 'rules', pair ? 'E_POLICY_TYPE' : 'E_POLICY_MISSING', 'a cel policy needs a non-empty list of rules', 'add rules: [{ name, effect, when, message }]');
      return [];
    }
    const rules: PolicyRule[] = [];
    const seen = new Set<string>();
    pair.value.items.forEach((item, index) => {
      const rule = this.readRule(item as Node, index);
      if (rule === undefined) return;
      if (seen.has(rule.name)) {
        this.add(item as Node, `rules[${index}].name`, 'E_POLICY_DUPLICATE', `duplicate rule name "${rule.name}"`, 'give each rule a unique name');
      }
      seen.add(rule.name);
      rules.push(rule);
    });
    return rules;
  }

  private readRule(node: Node, index: number): PolicyRule | undefined {
    const base = `rules[${index}]`;
    if (!isMap(node)) {
      this.add(node, base, 'E_POLICY_TYPE', 'expected a rule map', 'write { name, effect, when, message }');
      return undefined;
    }
    const pairs = new Map<string, Pair>();
    for (const pair of mapPairs(node)) {
      const key = keyOf(pair);
      if (!RULE_KEYS.includes(key)) {
        this.add(pair.key as Node, `${base}.${key}`, 'E_POLICY_KEY', `unknown key "${key}"${didYouMean(key, RULE_KEYS)}`, `valid keys: ${RULE_KEYS.join(', ')}`);
      } else pairs.set(key, pair);
    }
    const missing = ['name', 'effect', 'when'].filter((key) => !pairs.has(key));
    for (const key of missing) this.add(node, `${base}.${key}`, 'E_POLICY_MISSING', `missing required key "${key}"`, `add ${key}: ... to this rule`);
    const name = this.readString(pairs.get('name'), `${base}.name`);
    const effect = pairs.has('effect') ? this.readEnum<PolicyEffect>(pairs.get('effect'), 'effect', POLICY_EFFECTS, undefined, node, `${base}.effect`) : undefined;
    const when = pairs.has('when') ? this.readExpression(pairs.get('when')!.value, `${base}.when`, 'bool') : undefined;
    const message = pairs.has('message') ? this.readExpression(pairs.get('message')!.value, `${base}.message`, 'string') : undefined;
    const approvals = this.readApprovals(pairs.get('approvals'), `${base}.approvals`);
    const approvers = this.readApprovers(pairs.get('approvers'), `${base}.approvers`);
    if (name === undefined || effect === undefined || when === undefined) return undefined;
    if (pairs.has('message') && message === undefined) return undefined;
    return { name, effect, when, ...(message ? { message } : {}), approvals, approvers };
  }

  private readApprovals(pair: Pair | undefined, keyPath: string): number {
    if (pair === undefined) return 1;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
    this.add((pair.value ?? pair.key) as Node, keyPath, 'E_POLICY_TYPE', `expected a whole number >= 1, got ${JSON.stringify(value ?? null)}`, 'write approvals: 2');
    return 1;
  }

  private readApprovers(pair: Pair | undefined, keyPath: string): string[] {
    if (pair === undefined) return [];
    const items = isSeq(pair.value) ? pair.value.items : undefined;
    const values = items?.map((item) => (isScalar(item) && typeof item.value === 'string' ? item.value : undefined));
    if (values === undefined || values.some((value) => value === undefined || value === '')) {
      this.add((pair.value ?? pair.key) as Node, keyPath, 'E_POLICY_TYPE', 'expected a list of logins or "team:NAME"', 'write approvers: [alice, "team:platform"]');
      return [];
    }
    values.forEach((value, index) => {
      if (!value!.startsWith('team:')) return;
      this.approverTeams.push({ team: value!.slice('team:'.length), keyPath: `${keyPath}[${index}]`, location: locateNode(this.source, items![index] as Node) });
    });
    return values as string[];
  }

  private readExpression(node: unknown, keyPath: string, expected: ExpectedType): CelExpression | undefined {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
      this.add(node as Node, keyPath, 'E_POLICY_TYPE', 'expected a CEL expression', expressionHint(keyPath));
      return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- null and objects were rejected above: a scalar's number, boolean or string.
    const text = String(node.value);
    const found = checkExpression(text, expected);
    if (found === undefined) return this.checkReferences(text, keyPath, node) ? { text, keyPath } : undefined;
    this.problems.push({
      code: 'E_POLICY_CEL',
      message: `invalid CEL: ${found.message}`,
      hint: expressionHint(keyPath),
      keyPath,
      location: locateInScalar(this.source, node, found.offset),
    });
    return undefined;
  }

  /** False (with a problem each) when the expression reads a param or variable the policy does not define. */
  private checkReferences(text: string, keyPath: string, node: Scalar): boolean {
    const unknown = findUnknownReferences(text, this.known);
    for (const reference of unknown) {
      const defined = [...this.known[reference.root]];
      const later = reference.root === 'variables' && this.allVariables.has(reference.name);
      this.problems.push({
        code: 'E_POLICY_CEL',
        message: later
          ? `variable "${reference.name}" is defined after this one`
          : `unknown ${reference.root === 'params' ? 'param' : 'variable'} "${reference.name}"${didYouMean(reference.name, defined)}`,
        hint: later
          ? `variables are evaluated in order: move ${reference.name} above ${keyPath.slice('variables.'.length)}`
          : `define it under ${reference.root}:, or test for it with has(${reference.root}.${reference.name})`,
        keyPath,
        location: locateInScalar(this.source, node, reference.offset),
      });
    }
    return unknown.length === 0;
  }

  private add(node: Node | null | undefined, keyPath: string, code: ErrorCode, message: string, hint: string): void {
    this.problems.push(problem(this.source, node, keyPath, code, message, hint));
  }
}

function expressionHint(keyPath: string): string {
  if (keyPath.endsWith('.message')) return 'message is a CEL expression: quote text, e.g. message: \'"too many deletes: " + string(n)\'';
  if (keyPath.endsWith('.when')) return 'when is a CEL expression that yields a bool, e.g. input.changes.destroy > 0.0';
  return 'see docs/policies.md for the CEL functions and the input document';
}

function problem(source: PolicySource, node: Node | null | undefined, keyPath: string, code: ErrorCode, message: string, hint: string): Problem {
  return { code, message, hint, ...(keyPath === '' ? {} : { keyPath }), location: locateNode(source, node) };
}

/** `policies/blast-radius.policy.yaml` -> `blast-radius`. */
export function nameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, '').replace(/\.policy$/, '');
}
