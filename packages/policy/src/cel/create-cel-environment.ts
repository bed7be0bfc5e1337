import { Environment } from '@marcbachmann/cel-js';

/**
 * Parse-time limits. They bound what one expression can cost to parse and
 * check; they are far above anything a person writes (the blast-radius score
 * is about 60 nodes, 9 deep).
 */
export const CEL_LIMITS = {
  /** Characters in one expression. */
  maxLength: 8_000,
  maxAstNodes: 2_000,
  maxDepth: 48,
  maxListElements: 500,
  maxMapEntries: 500,
  maxCallArguments: 16,
} as const;

/** The variables every expression sees. */
export const CEL_VARIABLES = ['input', 'params', 'variables'] as const;

let shared: Environment | undefined;

/**
 * The one CEL environment of every policy: `input`, `params` and `variables`
 * as maps, the parse-time limits, and the list `sum()` that cel-js 8 lacks.
 * Built once (environments are expensive); expressions are parsed against it.
 */
export function getCelEnvironment(): Environment {
  if (shared !== undefined) return shared;
  const { maxLength: _maxLength, ...limits } = CEL_LIMITS;
  const environment = new Environment({ limits });
  for (const name of CEL_VARIABLES) environment.registerVariable(name, 'map');
  for (const [receiverType, returnType] of [
    ['list<double>', 'double'],
    ['list<int>', 'int'],
    ['list<dyn>', 'dyn'],
  ] as const) {
    environment.registerFunction({
      name: 'sum',
      receiverType,
      returnType,
      params: [],
      description: 'The sum of a list of numbers (0.0 for an empty list).',
      handler: sumList,
    });
  }
  shared = environment;
  return environment;
}

/**
 * Ints (BigInt) add as ints, doubles (JSON numbers) as doubles; mixing them is
 * an error, as everywhere in CEL: write `double(x)` to convert.
 */
function sumList(list: unknown): number | bigint {
  const values = Array.isArray(list) ? list : [];
  if (values.length > 0 && values.every((value) => typeof value === 'bigint')) {
    return values.reduce((total, value) => total + value, 0n);
  }
  let total = 0;
  for (const value of values) {
    if (typeof value !== 'number') {
      throw new Error(`sum() needs a list of numbers of one type, got ${typeof value === 'bigint' ? 'an int among doubles' : typeof value}; convert with double()`);
    }
    total += value;
  }
  return total;
}
