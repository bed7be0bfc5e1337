import { describe, expect, it } from 'vitest';
import { createStackGraph } from '../graph/create-stack-graph.js';
import type { StackEdge } from '../graph/types.js';
import type { Manifest } from '../model.js';
import { selectStacks } from '../selection/select-stacks.js';
import { buildRunPlan } from './build-run-plan.js';

const edge = (dependent: string, dependency: string, kind: StackEdge['kind'] = 'dependsOn'): StackEdge => ({
  dependent,
  dependency,
  kind,
  keyPath: `stacks.${dependent}.${kind}`,
});

//   network -> db -> app -> smoke;  dns ~after~> app
const graph = createStackGraph(
  ['network', 'db', 'dns', 'app', 'smoke'],
  [edge('db', 'network'), edge('app', 'db'), edge('app', 'dns', 'after'), edge('smoke', 'app', 'reference')],
);
const manifest = { stacks: Object.fromEntries(graph.names.map((name) => [name, { labels: [] }])) } as unknown as Manifest;
const options = { command: 'apply' as const, concurrency: 2, limits: { prod: 1 }, failFast: false };

describe('buildRunPlan', () => {
  it('plans the selection in order, with needs and reasons', () => {
    const selection = selectStacks(graph, manifest, { stacks: ['db'], withDependents: true });
    expect(buildRunPlan(graph, selection, options)).toMatchInlineSnapshot(`
      {
        "command": "apply",
        "concurrency": 2,
        "failFast": false,
        "limits": {
          "prod": 1,
        },
        "stacks": [
          {
            "name": "db",
            "needs": [],
            "onlyAsDependent": false,
            "reason": "selected by --stack db",
          },
          {
            "name": "app",
            "needs": [
              "db",
            ],
            "onlyAsDependent": true,
            "reason": "dependent of db",
          },
          {
            "name": "smoke",
            "needs": [
              "app",
            ],
            "onlyAsDependent": true,
            "reason": "dependent of db",
          },
        ],
      }
    `);
  });

  it('keeps ordering through stacks outside the run, and after edges', () => {
    const selection = selectStacks(graph, manifest, { stacks: ['smoke', 'network', 'dns'] });
    const plan = buildRunPlan(graph, selection, options);
    expect(plan.stacks.map(({ name, needs }) => `${name} <- ${needs.join(',')}`)).toEqual([
      'dns <- ',
      'network <- ',
      'smoke <- dns,network',
    ]);
  });

  it('reverses order and needs for destroy', () => {
    const selection = selectStacks(graph, manifest, {});
    const plan = buildRunPlan(graph, selection, { ...options, command: 'destroy' });
    expect(plan.stacks.map(({ name, needs }) => `${name} <- ${needs.join(',')}`)).toEqual([
      'smoke <- ',
      'app <- smoke',
      'db <- app',
      'dns <- app',
      'network <- db',
    ]);
  });

  it('rejects a concurrency below 1', () => {
    const selection = selectStacks(graph, manifest, {});
    expect(() => buildRunPlan(graph, selection, { ...options, concurrency: 0 })).toThrow(
      'Expected `concurrency` to be a number from 1 and up, got `0`',
    );
  });
});
