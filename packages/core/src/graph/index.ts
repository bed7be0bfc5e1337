export { buildStackGraph, collectStackEdges } from './build-stack-graph.js';
export { createStackGraph, type CreateStackGraphOptions } from './create-stack-graph.js';
export type { StackEdge, StackEdgeKind, StackGraph } from './types.js';
