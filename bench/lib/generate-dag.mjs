/**
 * Seeded random DAGs shared by every benchmark so stackfleet and Nx see the
 * same graph. Stack i depends on up to `edges` distinct earlier stacks, chosen
 * mostly among recent ones so chains are long (like real fleets: layers).
 */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateDag(count, { edges = 3, seed = 42, window = 50 } = {}) {
  const random = createRandom(seed);
  const nodes = [];
  const width = String(count - 1).length;
  for (let index = 0; index < count; index += 1) {
    const name = `s${String(index).padStart(width, '0')}`;
    const deps = new Set();
    const want = index === 0 ? 0 : Math.min(index, edges);
    while (deps.size < want) {
      const span = Math.min(index, window);
      deps.add(nodes[index - 1 - Math.floor(random() * span)].name);
    }
    nodes.push({ name, deps: [...deps].sort() });
  }
  return nodes;
}

/** Critical path and total work for given durations (for lower bounds). */
export function measureDag(nodes, durationOf) {
  const finish = new Map();
  let total = 0;
  let longest = 0;
  for (const node of nodes) {
    const start = Math.max(0, ...node.deps.map((dep) => finish.get(dep)));
    const end = start + durationOf(node.name);
    finish.set(node.name, end);
    total += durationOf(node.name);
    longest = Math.max(longest, end);
  }
  return { criticalPath: longest, totalWork: total };
}
