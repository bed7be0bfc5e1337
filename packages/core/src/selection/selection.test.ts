import { describe, expect, it } from 'vitest';
import { StackfleetError } from '../errors.js';
import { createStackGraph } from '../graph/create-stack-graph.js';
import type { StackEdge, StackEdgeKind } from '../graph/types.js';
import type { Manifest, StackSpec } from '../model.js';
import { selectStacks } from './select-stacks.js';

/** name -> [labels, dependencies as `kind:name` or plain dependsOn names]. */
function buildFleet(stacks: Record<string, [string[], string[]]>) {
  const edges: StackEdge[] = [];
  const specs: Record<string, StackSpec> = {};
  for (const [name, [labels, dependencies]] of Object.entries(stacks)) {
    specs[name] = { name, labels } as unknown as StackSpec;
    dependencies.forEach((dependency, index) => {
      const [kind, target] = dependency.includes(':') ? dependency.split(':') : ['dependsOn', dependency];
      edges.push({ dependent: name, dependency: target!, kind: kind as StackEdgeKind, keyPath: `${name}[${index}]` });
    });
  }
  const manifest = { stacks: specs } as unknown as Manifest;
  return { graph: createStackGraph(Object.keys(stacks), edges), manifest };
}

//   network -> db -> app -> smoke;   dns ~after~> app;   cache -(reference)-> app
const fleet = buildFleet({
  network: [['prod', 'core'], []],
  dns: [['core'], []],
  db: [['prod'], ['network']],
  cache: [[], ['reference:network']],
  app: [['prod'], ['db', 'reference:cache', 'after:dns']],
  smoke: [['checks'], ['app']],
  tools: [[], []],
});

function select(selector: Parameters<typeof selectStacks>[2]) {
  const selection = selectStacks(fleet.graph, fleet.manifest, selector);
  return { ...selection, reasons: Object.fromEntries(selection.reasons), onlyAsDependent: [...selection.onlyAsDependent] };
}

describe('selectStacks', () => {
  it('selects everything in run order when there is no filter', () => {
    const selection = select({});
    expect(selection.stacks).toEqual(['dns', 'network', 'cache', 'db', 'app', 'smoke', 'tools']);
    expect(selection.reasons.app).toBe('selected');
  });

  it('ORs repeated globs and labels, ANDs different filters', () => {
    expect(select({ stacks: ['n*', 'd?'] }).reasons).toEqual({
      network: 'selected by --stack n*',
      db: 'selected by --stack d?',
    });
    expect(select({ labels: ['core', 'checks'] }).stacks).toEqual(['dns', 'network', 'smoke']);
    expect(select({ stacks: ['*'], labels: ['prod'] }).reasons).toEqual({
      network: 'selected by --stack *, label prod',
      db: 'selected by --stack *, label prod',
      app: 'selected by --stack *, label prod',
    });
  });

  it('intersects --affected with the other filters and keeps its reasons', () => {
    const affected = new Map([
      ['db', 'changed: stacks/db/main.tf'],
      ['tools', 'changed: tools/x.sh'],
    ]);
    expect(select({ affected }).reasons).toEqual(Object.fromEntries(affected));
    expect(select({ affected, labels: ['prod'] }).reasons).toEqual({ db: 'changed: stacks/db/main.tf, label prod' });
    expect(select({ affected: new Map() }).stacks).toEqual([]);
  });

  it('adds dependents along dependsOn and references, never along after', () => {
    const selection = select({ stacks: ['network'], withDependents: true });
    expect(selection.stacks).toEqual(['network', 'cache', 'db', 'app', 'smoke']);
    expect(selection.reasons).toMatchObject({ cache: 'dependent of network', smoke: 'dependent of network' });
    expect(selection.onlyAsDependent).toEqual(['cache', 'db', 'app', 'smoke']);
    expect(select({ stacks: ['dns'], withDependents: true }).stacks).toEqual(['dns']);
  });

  it('adds dependencies, which are not "only as dependent"', () => {
    const selection = select({ stacks: ['app'], withDependencies: true, withDependents: true });
    expect(selection.stacks).toEqual(['network', 'cache', 'db', 'app', 'smoke']);
    expect(selection.reasons).toMatchObject({ network: 'dependency of app', smoke: 'dependent of app' });
    expect(selection.onlyAsDependent).toEqual(['smoke']);
  });

  it('applies --exclude last', () => {
    expect(select({ stacks: ['network'], withDependents: true, exclude: ['s*', 'db'] }).stacks).toEqual([
      'network',
      'cache',
      'app',
    ]);
  });

  it('keeps run order through unselected stacks', () => {
    expect(select({ stacks: ['smoke', 'network'] }).stacks).toEqual(['network', 'smoke']);
  });

  it('rejects a glob or label that matches nothing, with a suggestion', () => {
    const failure = (selector: Parameters<typeof selectStacks>[2]): string => {
      try {
        selectStacks(fleet.graph, fleet.manifest, selector);
      } catch (error) {
        if (!(error instanceof StackfleetError)) throw error;
        return `${error.code} ${error.format()}`;
      }
      return 'no error';
    };
    expect(failure({ stacks: ['app', 'netwrk'] })).toMatchInlineSnapshot(`
      "E_NO_MATCH no stack matches --stack "netwrk" (did you mean "network"?)
        hint: run \`stackfleet list\` to see every stack and its labels"
    `);
    expect(failure({ labels: ['prd'] })).toMatchInlineSnapshot(`
      "E_NO_MATCH no stack has --label "prd" (did you mean "prod"?)
        hint: run \`stackfleet list\` to see every stack and its labels"
    `);
  });

  it('warns, with a suggestion, about a --stack pattern with wildcards that matches nothing, and keeps what the others select', () => {
    const selection = selectStacks(fleet.graph, fleet.manifest, { stacks: ['app', 'netwrk*'] });
    expect(selection.stacks).toEqual(['app']);
    expect(selection.warnings).toEqual(['no stack matches --stack "netwrk*" (did you mean "network"?)']);
  });

  it('handles a 10,000-deep chain', () => {
    const names = Array.from({ length: 10_000 }, (_, index) => `s${String(index).padStart(5, '0')}`);
    const edges = names.slice(1).map((name, index): StackEdge => ({
      dependent: name,
      dependency: names[index]!,
      kind: 'dependsOn',
      keyPath: name,
    }));
    const graph = createStackGraph(names, edges);
    const manifest = { stacks: Object.fromEntries(names.map((name) => [name, { labels: [] }])) } as unknown as Manifest;
    const down = selectStacks(graph, manifest, { stacks: ['s00000'], withDependents: true });
    const up = selectStacks(graph, manifest, { stacks: ['s09999'], withDependencies: true, exclude: ['s05*'] });
    expect(down.stacks).toEqual(names);
    expect(down.onlyAsDependent.size).toBe(9_999);
    expect(up.stacks).toHaveLength(9_000);
  });
});
