export { collectResolutionLayers, type ResolutionLayer } from './layers.js';
export { formatEnvValue, resolveStack, type ResolveContext } from './resolve-stack.js';
export {
  assertInputsApplicable,
  collectMockedInputs,
  collectUpstreamInputs,
  readOutputsWithMocks,
  type OutputsReader,
  type UpstreamInput,
} from './upstream-inputs.js';
