import type { Manifest, StackGraph } from '@stackfleet/core';

export type GraphFormat = 'ascii' | 'dot' | 'mermaid' | 'json';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['ascii', 'dot', 'mermaid', 'json'];

interface GraphEdgeView {
  /** Upstream stack (runs first). */
  from: string;
  /** Downstream stack. */
  to: string;
  kind: 'dependsOn' | 'after' | 'reference';
}

/** Renders the DAG restricted to `stacks` (already in run order). Pure. */
export function formatGraph(graph: StackGraph, manifest: Manifest, stacks: readonly string[], format: GraphFormat): string {
  const included = new Set(stacks);
  const edges = collectEdges(graph, included);
  switch (format) {
    case 'dot':
      return formatDot(stacks, edges);
    case 'mermaid':
      return formatMermaid(stacks, edges);
    case 'json':
      return `${JSON.stringify({ stacks: stacks.map((name) => describeNode(manifest, name)), edges }, null, 2)}\n`;
    default:
      return formatLevels(stacks, edges);
  }
}

function collectEdges(graph: StackGraph, included: ReadonlySet<string>): GraphEdgeView[] {
  const strength = { dependsOn: 0, reference: 1, after: 2 } as const;
  const byPair = new Map<string, GraphEdgeView>();
  for (const edge of graph.edges) {
    if (!included.has(edge.dependency) || !included.has(edge.dependent)) continue;
    const key = `${edge.dependency}\u0000${edge.dependent}`;
    const existing = byPair.get(key);
    if (!existing || strength[edge.kind] < strength[existing.kind]) {
      byPair.set(key, { from: edge.dependency, to: edge.dependent, kind: edge.kind });
    }
  }
  return [...byPair.values()].sort((a, b) => (a.to === b.to ? (a.from < b.from ? -1 : 1) : a.to < b.to ? -1 : 1));
}

function describeNode(manifest: Manifest, name: string) {
  const stack = manifest.stacks[name];
  return { name, repo: stack?.repo ?? null, path: stack?.path, runner: stack?.runner, labels: stack?.labels ?? [] };
}

/** Layers: a stack's level is one more than its deepest upstream; linear in size even for deep chains. */
function formatLevels(stacks: readonly string[], edges: readonly GraphEdgeView[]): string {
  const upstream = new Map<string, string[]>();
  for (const edge of edges) upstream.set(edge.to, [...(upstream.get(edge.to) ?? []), edge.from]);
  const level = new Map<string, number>();
  for (const name of stacks) {
    const ups = upstream.get(name) ?? [];
    level.set(name, ups.length === 0 ? 0 : Math.max(...ups.map((up) => level.get(up) ?? 0)) + 1);
  }
  const byLevel = new Map<number, string[]>();
  for (const name of stacks) {
    const at = level.get(name) ?? 0;
    byLevel.set(at, [...(byLevel.get(at) ?? []), name]);
  }
  const width = Math.min(40, Math.max(0, ...stacks.map((name) => name.length)));
  const lines: string[] = [];
  for (const at of [...byLevel.keys()].sort((a, b) => a - b)) {
    lines.push(`level ${at}`);
    for (const name of (byLevel.get(at) ?? []).sort()) {
      const ups = upstream.get(name) ?? [];
      lines.push(ups.length === 0 ? `  ${name}` : `  ${name.padEnd(width)}  <- ${ups.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function quote(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function formatDot(stacks: readonly string[], edges: readonly GraphEdgeView[]): string {
  const lines = ['digraph stacks {', '  rankdir=LR;', '  node [shape=box];'];
  for (const name of stacks) lines.push(`  ${quote(name)};`);
  for (const edge of edges) {
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${edge.kind === 'after' ? ' [style=dashed]' : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function mermaidId(name: string, ids: Map<string, string>): string {
  let id = ids.get(name);
  if (id === undefined) {
    id = `s${ids.size}`;
    ids.set(name, id);
  }
  return id;
}

function formatMermaid(stacks: readonly string[], edges: readonly GraphEdgeView[]): string {
  const ids = new Map<string, string>();
  const lines = ['graph LR'];
  for (const name of stacks) lines.push(`  ${mermaidId(name, ids)}["${name.replace(/"/g, '#quot;')}"]`);
  for (const edge of edges) {
    lines.push(`  ${mermaidId(edge.from, ids)} ${edge.kind === 'after' ? '-.->' : '-->'} ${mermaidId(edge.to, ids)}`);
  }
  return `${lines.join('\n')}\n`;
}
