/**
 * zod's issues in our words: a stable code, the bad value quoted, and a hint.
 * No zod-internal message ever reaches the user.
 */
import type { z } from 'zod';
import type { ErrorCode, Problem } from '../errors.js';
import { didYouMean } from '../text/suggest.js';
import { describeExpected, describeValue, hintForExpected, readDataAt } from './describe-value.js';
import { DURATION_PATTERN } from './duration.js';
import { formatKeyPath, type KeySegment } from './key-path.js';
import type { LocateTarget, ManifestLocator } from './locate.js';
import { findDescriptionAt, findSchemaAt, listAllowedKeys } from './schema-walk.js';
import { RUNNER_KINDS } from './schema-parts.js';
import { quoteText } from '../text/quote-text.js';

type Issue = z.core.$ZodIssue;

interface TranslateContext {
  schema: z.ZodType;
  data: unknown;
  locate: ManifestLocator;
}

/** Turns every zod issue into problems, descending into the matching branch of unions. */
export function translateIssues(issues: readonly Issue[], context: TranslateContext, prefix: KeySegment[] = []): Problem[] {
  // A secret with a mistyped key also fails "exactly one source"; the unknown key says it better.
  const unknownKeyPaths = new Set(
    issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => formatKeyPath(toSegments(issue.path))),
  );
  return issues
    .filter((issue) => issue.code !== 'custom' || !unknownKeyPaths.has(formatKeyPath(toSegments(issue.path))))
    .flatMap((issue) => translateIssue(issue, context, [...prefix, ...toSegments(issue.path)]));
}

/** `a`, `a or b`, `a, b or c`. */
function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function toSegments(path: readonly PropertyKey[]): KeySegment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

function translateIssue(issue: Issue, context: TranslateContext, path: KeySegment[]): Problem[] {
  const { found, value } = readDataAt(context.data, path);
  const at = (code: ErrorCode, message: string, hint: string, target: LocateTarget = 'auto', keyPath = path): Problem => ({
    code,
    message,
    hint,
    keyPath: formatKeyPath(keyPath),
    location: context.locate(keyPath, target),
  });
  const last = path[path.length - 1];

  switch (issue.code) {
    case 'invalid_union':
      return translateUnion(issue.errors, context, path, value, at);
    case 'unrecognized_keys': {
      const allowed = listAllowedKeys(findSchemaAt(context.schema, path));
      return issue.keys.map((key) =>
        at(
          'E_UNKNOWN_KEY',
          `unknown key ${quoteText(key)}${didYouMean(key, allowed)}`,
          `valid keys here: ${allowed.join(', ')}`,
          'key',
          [...path, key],
        ),
      );
    }
    case 'invalid_type':
      if (!found) {
        if (path.length === 1 && last === 'version') {
          return [at('E_VERSION', 'missing "version"', 'add "version: 1" at the top of the file')];
        }
        return [at('E_TYPE', `missing required key "${String(last)}"`, `add "${String(last)}: ..." here`)];
      }
      return [
        at(
          'E_TYPE',
          `expected ${describeExpected(issue.expected)}, got ${describeValue(value)}`,
          hintForExpected(issue.expected),
        ),
      ];
    case 'invalid_value':
      if (path.length === 1 && last === 'version' && !found) {
        return [at('E_VERSION', 'missing "version"', 'add "version: 1" at the top of the file')];
      }
      if (path.length === 1 && last === 'version') {
        return [at('E_VERSION', `unsupported version ${describeValue(value)}`, 'this stackfleet reads version 1: set "version: 1"')];
      }
      // `runner:` of a stack, or an item of a policy's `runners:`.
      if (last === 'runner' || path.at(-2) === 'runners') {
        return [
          at(
            'E_UNKNOWN_RUNNER',
            `unknown runner ${quoteText(String(value))}${didYouMean(String(value), RUNNER_KINDS)}`,
            `use one of: ${[...RUNNER_KINDS].sort().join(', ')}`,
          ),
        ];
      }
      return [
        at(
          'E_TYPE',
          `invalid value ${describeValue(value)}`,
          `use one of: ${issue.values.map((allowed) => JSON.stringify(allowed)).join(', ')}`,
        ),
      ];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const comparison = issue.code === 'too_small' ? '>=' : '<=';
      if (issue.origin === 'string' || issue.origin === 'array') {
        // A length bound, not a number: `fleet: ""` is an empty name, not a bad number.
        const unit = issue.origin === 'string' ? 'character' : 'item';
        const least = issue.code === 'too_small' ? 'at least' : 'at most';
        const count = `${least} ${String(bound)} ${unit}${Number(bound) === 1 ? '' : 's'}`;
        return [at('E_TYPE', `expected ${count}, got ${describeValue(value)}`, `write ${count}`)];
      }
      return [
        at('E_TYPE', `expected a whole number ${comparison} ${String(bound)}, got ${describeValue(value)}`, `write a whole number ${comparison} ${String(bound)}`),
      ];
    }
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern === String(DURATION_PATTERN)) {
        return [
          at(
            'E_DURATION',
            `invalid duration ${quoteText(String(value))}`,
            'write whole numbers with units d, h, m, s or ms, largest first, e.g. "7d", "30m", "90s", "1h30m", "500ms"',
          ),
        ];
      }
      // A schema that says what its pattern means (`.regex(re, 'a pool name is …')`) says it in the hint.
      return [
        at('E_TYPE', `${describeValue(value)} is not in the expected format`, hasOwnMessage(issue.message) ? issue.message : `write a value matching ${issue.pattern ?? issue.format}`),
      ];
    case 'custom':
      if (issue.params?.['stackfleet'] === 'secret-source') {
        const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
        return [
          at(
            'E_TYPE',
            `a secret needs exactly one of fromEnv, fromFile, fromCommand, got ${keys.length === 0 ? 'none' : keys.join(' and ')}`,
            'e.g. DB_PASSWORD: { fromEnv: PROD_DB_PASSWORD }',
          ),
        ];
      }
      return [at('E_TYPE', `invalid value ${describeValue(value)}`, 'check this value against docs/manifest.md')];
    default:
      return [at('E_TYPE', `invalid value ${describeValue(value)}`, 'check this value against docs/manifest.md')];
  }
}

/**
 * A union fails when every option fails. Options that failed on the value's
 * type itself are the wrong branch; report the best remaining branch in
 * detail, or a type error listing what the union accepts.
 */
function translateUnion(
  branches: readonly (readonly Issue[])[],
  context: TranslateContext,
  path: KeySegment[],
  value: unknown,
  at: (code: ErrorCode, message: string, hint: string) => Problem,
): Problem[] {
  const isTypeMismatch = (issue: Issue) => issue.code === 'invalid_type' && issue.path.length === 0;
  const matching = branches
    .filter((branch) => !branch.some(isTypeMismatch))
    .sort((left, right) => left.length - right.length);
  const best = matching[0];
  if (best) return translateIssues(best, context, path);
  const expected = [
    ...new Set(
      branches.flatMap((branch) =>
        branch.filter(isTypeMismatch).map((issue) => (issue.code === 'invalid_type' ? issue.expected : '')),
      ),
    ),
  ].filter((name) => name !== '');
  // The union's own description says what it accepts better than any one branch.
  const description = findDescriptionAt(context.schema, path);
  return [
    at(
      'E_TYPE',
      `expected ${joinAlternatives(expected.map(describeExpected))}, got ${describeValue(value)}`,
      description === undefined ? hintForExpected(expected[0] ?? 'string') : `write ${lowerFirst(description)}`,
    ),
  ];
}

/** A schema description as the tail of a hint: `Foo bar.` -> `foo bar`. */
function lowerFirst(text: string): string {
  return (text.charAt(0).toLowerCase() + text.slice(1)).replace(/\.$/, '');
}

/** zod's own messages start with "Invalid"; anything else was written for this key in the schema. */
function hasOwnMessage(message: string): boolean {
  return message !== '' && !/^Invalid\b/.test(message);
}
