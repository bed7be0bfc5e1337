import type * as Hcl2Json from '@cdktf/hcl2json';

/**
 * The HCL parser is Go compiled to WebAssembly: loading it costs ~100 ms and
 * tens of MB, and each parse ~4 ms per block, so only `affected` pays for it,
 * and only for files a text scan cannot settle.
 */
let hclParser: Promise<typeof Hcl2Json> | undefined;
export function loadHclParser(): Promise<typeof Hcl2Json> {
  hclParser ??= import('@cdktf/hcl2json');
  return hclParser;
}
