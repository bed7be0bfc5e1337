import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import type { DependencySpec, LoadedManifest, StackSpec } from '../model.js';
import { parseManifest } from '../manifest/index.js';
import { buildStackGraph, collectStackEdges } from './build-stack-graph.js';
import { createStackGraph, sortUnique } from './create-stack-graph.js';
import { closeUpLists, packLists, reverseLists, sortUniqueRange, unpackLists } from './packed-lists.js';
import type { StackEdge } from './types.js';

interface StackShape {
  dependsOn?: string[];
  after?: string[];
  vars?: Record<string, unknown>;
}

/** A normalized manifest built by hand, with a fake locator that numbers key paths. */
function loadFleet(stacks: Record<string, StackShape>): LoadedManifest {
  const specs: Record<string, StackSpec> = {};
  for (const [name, shape] of Object.entries(stacks)) {
    specs[name] = {
      name,
      path: `stacks/${name}`,
      runner: 'command',
      labels: [],
      contexts: [],
      vars: shape.vars ?? {},
      env: {},
      secrets: {},
      files: {},
      hooks: {},
      watch: [],
      dependsOn: (shape.dependsOn ?? []).map((stack): DependencySpec => ({ stack, outputs: {} })),
      after: shape.after ?? [],
      commands: {},
      retries: { attempts: 1, on: [], backoffMs: 1000 },
    };
  }
  const lines = new Map<string, number>();
  return {
    manifest: {
      version: 1,
      source: 'stacks.yaml',
      repos: {},
      settings: { stateDir: '.stackfleet', limits: {} },
      variables: {},
      contexts: {},
      stacks: specs,
      policies: [], teams: {},
    },
    locate: (keyPath) => {
      if (!lines.has(keyPath)) lines.set(keyPath, 10 + lines.size * 3);
      return { file: 'stacks.yaml', line: lines.get(keyPath)!, column: 11 };
    },
  };
}

function chainEdges(length: number): { names: string[]; edges: StackEdge[] } {
  const names = Array.from({ length }, (_, index) => `s${String(index).padStart(5, '0')}`);
  const edges = names.slice(1).map((name, index): StackEdge => ({
    dependent: name,
    dependency: names[index]!,
    kind: 'dependsOn',
    keyPath: `stacks.${name}.dependsOn[0]`,
  }));
  return { names, edges };
}

function captureValidation(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.format();
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('buildStackGraph', () => {
  it('turns dependsOn, after and output references into edges with key paths', () => {
    const graph = buildStackGraph(
      loadFleet({
        network: {},
        dns: {},
        app: { dependsOn: ['network'], after: ['dns'], vars: { db: '${{ stacks.db.outputs.host }}' } },
        db: { dependsOn: ['network'] },
      }),
    );
    expect(graph.names).toEqual(['app', 'db', 'dns', 'network']);
    expect(graph.edges).toEqual([
      { dependent: 'app', dependency: 'network', kind: 'dependsOn', keyPath: 'stacks.app.dependsOn[0]' },
      { dependent: 'app', dependency: 'dns', kind: 'after', keyPath: 'stacks.app.after[0]' },
      { dependent: 'app', dependency: 'db', kind: 'reference', keyPath: 'stacks.app.vars.db' },
      { dependent: 'db', dependency: 'network', kind: 'dependsOn', keyPath: 'stacks.db.dependsOn[0]' },
    ]);
    expect(graph.dependenciesOf('app')).toEqual(['db', 'dns', 'network']);
    expect(graph.dependentsOf('network')).toEqual(['app', 'db']);
    expect(graph.topologicalOrder()).toEqual(['dns', 'network', 'db', 'app']);
  });

  it('reports the whole cycle with every edge located', () => {
    const message = captureValidation(() =>
      buildStackGraph(
        loadFleet({
          app: { dependsOn: ['db'] },
          db: { dependsOn: ['network'] },
          network: { vars: { app_url: '${{ stacks.app.outputs.url }}' } },
        }),
      ),
    );
    expect(message).toMatchInlineSnapshot(`
      "stacks.yaml:10:11 stacks.app.dependsOn[0]: cycle: app -> db -> network -> app
        hint: break the cycle by removing one of these edges:
          app -> db (stacks.yaml:10:11 stacks.app.dependsOn[0])
          db -> network (stacks.yaml:13:11 stacks.db.dependsOn[0])
          network -> app (stacks.yaml:16:11 stacks.network.vars.app_url)"
    `);
  });

  it('reports one cycle per group of tangled stacks, including self-loops', () => {
    const message = captureValidation(() =>
      buildStackGraph(
        loadFleet({
          a: { dependsOn: ['b', 'c'] },
          b: { dependsOn: ['a'] },
          c: { after: ['a'] },
          solo: { dependsOn: ['solo'] },
          fine: { dependsOn: ['a'] },
        }),
      ),
    );
    expect(message).toMatchInlineSnapshot(`
      "stacks.yaml:10:11 stacks.a.dependsOn[0]: cycle: a -> b -> a
        hint: break the cycle by removing one of these edges:
          a -> b (stacks.yaml:10:11 stacks.a.dependsOn[0])
          b -> a (stacks.yaml:13:11 stacks.b.dependsOn[0])
        3 stacks depend on each other here (a, b, c): more cycles may show once this one is broken
      stacks.yaml:16:11 stacks.solo.dependsOn[0]: cycle: solo -> solo
        hint: break the cycle by removing one of these edges:
          solo -> solo (stacks.yaml:16:11 stacks.solo.dependsOn[0])"
    `);
  });

  it('locates every edge of a cycle in the real stacks.yaml', () => {
    const text = [
      'version: 1',
      'stacks:',
      '  network:',
      '    path: stacks/network',
      '    vars:',
      '      app_url: "${{ stacks.app.outputs.url }}"',
      '  db:',
      '    path: stacks/db',
      '    dependsOn: [network]',
      '  app:',
      '    path: stacks/app',
      '    dependsOn:',
      '      - stack: db',
      '        outputs: { host: DB_HOST }',
      '      - network',
      '    after: [db]',
      '',
    ].join('\n');
    expect(captureValidation(() => buildStackGraph(parseManifest(text, 'stacks.yaml')))).toMatchInlineSnapshot(`
      "stacks.yaml:15:9 stacks.app.dependsOn[1]: cycle: app -> network -> app
        hint: break the cycle by removing one of these edges:
          app -> network (stacks.yaml:15:9 stacks.app.dependsOn[1])
          network -> app (stacks.yaml:6:16 stacks.network.vars.app_url)
        3 stacks depend on each other here (app, db, network): more cycles may show once this one is broken"
    `);
  });

  it('reports unknown stacks with a suggestion', () => {
    const message = captureValidation(() =>
      buildStackGraph(loadFleet({ network: {}, app: { dependsOn: ['netwrk'] } })),
    );
    expect(message).toMatchInlineSnapshot(`
      "stacks.yaml:10:11 stacks.app.dependsOn[0].stack: unknown stack "netwrk" (did you mean "network"?)
        hint: run \`stackfleet list\` to see every stack"
    `);
  });
});

describe('StackGraph', () => {
  const graph = createStackGraph(['a', 'b', 'c', 'd', 'x'], [
    { dependent: 'b', dependency: 'a', kind: 'dependsOn', keyPath: 'b0' },
    { dependent: 'c', dependency: 'b', kind: 'dependsOn', keyPath: 'c0' },
    { dependent: 'd', dependency: 'c', kind: 'after', keyPath: 'd0' },
    { dependent: 'x', dependency: 'b', kind: 'reference', keyPath: 'x0' },
  ]);

  it('orders a subset through stacks outside it', () => {
    expect(graph.topologicalOrder(['c', 'a'])).toEqual(['a', 'c']);
    expect(graph.topologicalOrder(['x', 'd', 'a'])).toEqual(['a', 'd', 'x']);
    expect(graph.collectNeeds(['a', 'c', 'd', 'x'])).toEqual(
      new Map([['a', []], ['c', ['a']], ['d', ['c']], ['x', ['a']]]),
    );
  });

  it('follows dependsOn and reference edges but not after when collecting', () => {
    expect(graph.collectDependents(['a'])).toEqual(new Map([['b', 'a'], ['c', 'a'], ['x', 'a']]));
    expect(graph.collectDependencies(['d'])).toEqual(new Map());
    expect(graph.collectDependencies(['x'])).toEqual(new Map([['b', 'x'], ['a', 'x']]));
  });

  it('rejects unknown names with a suggestion', () => {
    expect(() => graph.dependenciesOf('cc')).toThrow('unknown stack "cc" (did you mean "c"?)');
  });

  it('handles a 10,000-deep chain without recursion', () => {
    const { names, edges } = chainEdges(10_000);
    const chain = createStackGraph([...names].reverse(), edges);
    expect(chain.topologicalOrder()).toEqual(names);
    expect(chain.topologicalOrder([names[9_999]!, names[0]!])).toEqual([names[0], names[9_999]]);
    expect(chain.collectDependents([names[0]!]).size).toBe(9_999);
    expect(chain.collectDependencies([names[9_999]!]).size).toBe(9_999);
    expect(chain.collectNeeds([names[0]!, names[9_999]!]).get(names[9_999]!)).toEqual([names[0]]);
  });

  it('reports a 10,000-long cycle without recursion', () => {
    const { names, edges } = chainEdges(10_000);
    edges.push({ dependent: names[0]!, dependency: names[9_999]!, kind: 'dependsOn', keyPath: 'back' });
    const error = (() => {
      try {
        createStackGraph(names, edges);
      } catch (caught) {
        return caught as ValidationError;
      }
    })();
    expect(error?.problems).toHaveLength(1);
    expect(error?.problems[0]?.message).toMatch(/^cycle: s00000 -> s09999 -> s09998 -> .* -> s00000$/);
  });

  it('gives one report for one wrong edge in a dense fleet', () => {
    // 2,000 stacks, each depending on the 8 before it, and one edge backwards.
    const names = Array.from({ length: 2_000 }, (_, index) => `s${String(index).padStart(4, '0')}`);
    const edges: StackEdge[] = [];
    names.forEach((name, index) => {
      for (let back = 1; back <= 8 && index - back >= 0; back += 1) {
        edges.push({ dependent: name, dependency: names[index - back]!, kind: 'dependsOn', keyPath: `stacks.${name}.dependsOn[${back - 1}]` });
      }
    });
    edges.push({ dependent: names[0]!, dependency: names[1_999]!, kind: 'dependsOn', keyPath: 'stacks.s0000.dependsOn[0]' });
    const error = captureError(() => createStackGraph(names, edges));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.message).toMatch(/^cycle: s0000 -> s1999 -> .* -> s0000$/);
    expect(error.problems[0]?.hint).toContain('s0000 -> s1999 (stacks.s0000.dependsOn[0])');
    expect(error.problems[0]?.hint).toContain('2000 stacks depend on each other here (s0000, s0001,');
  });

  it('caps the reports at 20 knots, then says how many more', () => {
    const names = Array.from({ length: 50 }, (_, index) => `p${String(index).padStart(2, '0')}`);
    const edges: StackEdge[] = names.map((name, index) => ({
      dependent: name,
      dependency: names[index % 2 === 0 ? index + 1 : index - 1]!,
      kind: 'dependsOn',
      keyPath: `stacks.${name}.dependsOn[0]`,
    }));
    const error = captureError(() => createStackGraph(names, edges));
    expect(error.problems).toHaveLength(20);
    expect(error.problems[19]?.hint).toMatch(/\nand 5 more groups of stacks with a cycle, reported once these are fixed$/);
  });
});

/** Random DAGs: edges only from a higher to a lower position of a shuffled name list. */
const randomDag = fc
  .integer({ min: 1, max: 40 })
  .chain((size) =>
    fc.record({
      names: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: size, maxLength: size }),
      pairs: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 3 }),
      kinds: fc.array(fc.constantFrom('dependsOn' as const, 'after' as const, 'reference' as const), {
        minLength: size * 3,
        maxLength: size * 3,
      }),
    }),
  )
  .map(({ names, pairs, kinds }) => ({
    names,
    edges: pairs
      .filter(([a, b]) => a !== b)
      .map(([a, b], index): StackEdge => ({
        dependent: names[Math.max(a, b)]!,
        dependency: names[Math.min(a, b)]!,
        kind: kinds[index]!,
        keyPath: `e${index}`,
      })),
  }));

describe('topologicalOrder properties', () => {
  it('respects every edge, is deterministic, and ties break by name', () => {
    fc.assert(
      fc.property(randomDag, ({ names, edges }) => {
        const graph = createStackGraph(names, edges);
        const order = graph.topologicalOrder();
        const position = new Map(order.map((name, index) => [name, index]));
        expect(order).toHaveLength(names.length);
        for (const edge of edges) expect(position.get(edge.dependency)!).toBeLessThan(position.get(edge.dependent)!);
        expect(createStackGraph([...names].reverse(), [...edges].reverse()).topologicalOrder()).toEqual(order);
        // Kahn with a min-heap: each emitted stack is the smallest one ready at that point.
        const done = new Set<string>();
        for (const name of order) {
          const ready = names.filter((n) => !done.has(n) && graph.dependenciesOf(n).every((d) => done.has(d)));
          expect(name).toBe(ready.sort()[0]);
          done.add(name);
        }
      }),
    );
  });

  it('orders any subset consistently with transitive dependencies', () => {
    fc.assert(
      fc.property(randomDag, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), ({ names, edges }, picks) => {
        const graph = createStackGraph(names, edges);
        const subset = names.filter((_, index) => picks[index]);
        const order = graph.topologicalOrder(subset);
        expect([...order].sort()).toEqual([...subset].sort());
        const position = new Map(order.map((name, index) => [name, index]));
        for (const name of subset) {
          for (const ancestor of graph.collectNeeds(subset).get(name)!) {
            expect(position.get(ancestor)!).toBeLessThan(position.get(name)!);
          }
        }
      }),
    );
  });
});

describe('sortUnique', () => {
  it('sorts an index list in place and drops repeats', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 30 }), (list) => {
        const expected = [...new Set(list)].sort((a, b) => a - b);
        const copy = [...list];
        expect(sortUnique(copy)).toBe(copy);
        expect(copy).toEqual(expected);
      }),
    );
  });
});

describe('packed index lists', () => {
  const randomLists = fc.integer({ min: 1, max: 12 }).chain((count) => fc.array(fc.array(fc.nat(count - 1), { maxLength: 6 }), { minLength: count, maxLength: count }));

  it('reverse each other, sorted and without repeats', () => {
    fc.assert(
      fc.property(randomLists, (lists) => {
        const unique = lists.map((list) => sortUnique([...list]));
        const packed = packLists(unique);
        expect(unpackLists(packed)).toEqual(unique);
        const reversed = unpackLists(reverseLists(packed));
        expect(reversed).toEqual(unique.map((_, target) => unique.flatMap((list, source) => (list.includes(target) ? [source] : []))));
        expect(unpackLists(reverseLists(reverseLists(packed)))).toEqual(unique);
      }),
    );
  });

  it('closes up lists sorted in place in one array', () => {
    fc.assert(
      fc.property(randomLists, (lists) => {
        const starts = new Int32Array(lists.length + 1);
        lists.forEach((list, index) => (starts[index + 1] = starts[index]! + list.length));
        const items = Int32Array.from(lists.flat());
        const lengths = Int32Array.from(lists.map((list, index) => sortUniqueRange(items, starts[index]!, starts[index]! + list.length)));
        expect(unpackLists(closeUpLists(starts, items, lengths))).toEqual(lists.map((list) => [...new Set(list)].sort((a, b) => a - b)));
      }),
    );
  });
});

describe('buildStackGraph properties', () => {
  it('gives the graph createStackGraph gives on the edge objects, which it builds only when asked', () => {
    fc.assert(
      fc.property(randomDag, ({ names, edges }) => {
        const shapes: Record<string, StackShape> = Object.fromEntries(names.map((name) => [name, {}]));
        edges.forEach((edge, index) => {
          const shape = shapes[edge.dependent]!;
          if (edge.kind === 'dependsOn') (shape.dependsOn ??= []).push(edge.dependency);
          else if (edge.kind === 'after') (shape.after ??= []).push(edge.dependency);
          else shape.vars = { ...shape.vars, [`v${index}`]: `\${{ stacks.${edge.dependency}.outputs.o }}` };
        });
        const loaded = loadFleet(shapes);
        const built = buildStackGraph(loaded);
        const expected = createStackGraph(Object.keys(loaded.manifest.stacks), collectStackEdges(loaded.manifest));
        expect(built.names).toEqual(expected.names);
        expect(built.topologicalOrder()).toEqual(expected.topologicalOrder());
        for (const name of names) {
          expect(built.dependenciesOf(name)).toEqual(expected.dependenciesOf(name));
          expect(built.dependentsOf(name)).toEqual(expected.dependentsOf(name));
          expect(built.collectDependents([name])).toEqual(expected.collectDependents([name]));
          expect(built.collectDependencies([name])).toEqual(expected.collectDependencies([name]));
        }
        expect(built.edges).toEqual(expected.edges);
      }),
    );
  });
});

function captureError(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}
