/**
 * The HCL parser is Go compiled to WebAssembly: loading it costs ~100 ms and
 * tens of MB, and each parse ~4 ms per block, so only `affected` pays for it,
 * and only for files a text scan cannot settle.
 */
let hclParser: Promise<typeof import('@cdktf/hcl2json')> | undefined;
export function loadHclParser(): Promise<typeof import('@cdktf/hcl2json')> {
  hclParser ??= import('@cdktf/hcl2json');
  return hclParser;
}
