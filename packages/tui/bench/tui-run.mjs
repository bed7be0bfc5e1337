// Pushes a scripted 2,000-stack run through the real ink UI into a null stream
// and prints the wall time next to the same event stream with no UI attached.
// Usage: node packages/tui/bench/tui-run.mjs [stacks]   (after `npx tsc -b packages/tui`)
import { renderScriptedRun } from '../dist/index.js';

const stacks = Number(process.argv[2] ?? 2000);
const batchMs = process.env.BATCH_MS ? Number(process.env.BATCH_MS) : undefined;
const result = await renderScriptedRun({ stacks, ...(batchMs ? { batchMs } : {}) });
console.log(
  JSON.stringify({
    bench: 'tui-run',
    stacks: result.stacks,
    events: result.events,
    uiMs: Math.round(result.uiMs),
    baselineMs: Math.round(result.baselineMs),
    ratio: Number((result.uiMs / result.baselineMs).toFixed(2)),
    bytesWritten: result.bytesWritten,
    renders: result.renders,
    renderMs: Math.round(result.renderMs),
  }),
);
