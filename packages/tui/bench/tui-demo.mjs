// A hands-on demo of the UI with a fake fleet and simulated runs (no engine, no store).
// Usage: node packages/tui/bench/tui-demo.mjs [stacks]   (after `npx tsc -b packages/tui`)
import { createScriptedRun, runFleetUi } from '../dist/index.js';

const count = Number(process.argv[2] ?? 60);
const fleet = Array.from({ length: count }, (_, index) => ({
  name: `stack-${String(index).padStart(3, '0')}`,
  repo: ['platform', 'payments', ''][index % 3],
  path: `stacks/s${index}`,
  labels: index % 4 === 0 ? ['prod'] : ['dev'],
  runner: ['terraform', 'tofu', 'command'][index % 3],
  dependsOn: index === 0 ? [] : [`stack-${String(Math.floor((index - 1) / 3)).padStart(3, '0')}`],
  dependents: [],
  outputCount: index % 5,
  ...(index % 7 === 3 ? { lockedBy: 'alice' } : {}),
  ...(index % 11 === 5 ? { drift: 'drifted' } : {}),
}));

function simulate(command, stacks) {
  const run = createScriptedRun();
  const runId = `demo-${Date.now()}`;
  const now = () => new Date().toISOString();
  let stopped = false;
  run.interrupt = () => {
    stopped = true;
  };
  setTimeout(async () => {
    run.emit({ type: 'run.started', runId, command, stacks, concurrency: 3, at: now() });
    const started = Date.now();
    const summary = { total: stacks.length, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, durationMs: 0 };
    for (let index = 0; index < stacks.length; index += 3) {
      const wave = stacks.slice(index, index + 3);
      if (stopped) {
        run.emit({ type: 'run.interrupting', runId, waitingFor: wave, at: now() });
      }
      for (const stack of wave) run.emit({ type: 'stack.started', runId, stack, at: now() });
      for (const step of ['init', 'plan', 'apply']) {
        for (const stack of wave) {
          run.emit({ type: 'stack.step', runId, stack, step, at: now() });
          run.emit({ type: 'stack.log', runId, stack, stream: 'stdout', line: `${step}: working on ${stack} password=***` });
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      for (const stack of wave) {
        const failed = stack.endsWith('7');
        const changes = { create: 1, update: 0, delete: 0, replace: 0 };
        if (command === 'plan') run.emit({ type: 'stack.planned', runId, stack, hasChanges: true, changes });
        run.emit({ type: 'stack.finished', runId, stack, status: failed ? 'failed' : 'changed', durationMs: 900, ...(failed ? { exitCode: 1, reason: 'simulated failure' } : { changes }) });
        summary[failed ? 'failed' : 'changed'] += 1;
      }
      if (stopped) break;
    }
    summary.durationMs = Date.now() - started;
    run.emit({ type: 'run.finished', runId, status: stopped ? 'interrupted' : summary.failed ? 'failed' : 'succeeded', summary, at: now() });
    run.finish(summary);
  }, 50);
  return run;
}

const code = await runFleetUi({
  fleet,
  title: 'stackfleet demo',
  color: !process.env.NO_COLOR,
  actions: {
    plan: (stacks) => simulate('plan', stacks),
    // An apply as the CLI runs it: its plan run, a review once it is over, and on `y` the apply run.
    apply: (stacks) => {
      const planRun = simulate('plan', stacks);
      return {
        planRun,
        review: planRun.done.then(() => ({ lines: [], question: `Apply ${stacks.length} stack(s) with changes?` })),
        apply: () => simulate('apply', stacks),
      };
    },
    drift: (stacks) => simulate('drift', stacks),
    resume: async () => ({ nothing: 'nothing to resume: no interrupted run' }),
    unlock: async () => undefined,
    loadDetails: async () => ({ outputs: [{ name: 'password', value: '***', sensitive: true }], settings: [{ key: 'env.AWS_REGION', value: 'eu-west-1', source: 'context aws-prod' }], history: [] }),
    addDependents: (stacks) => stacks,
  },
});
process.exitCode = code;
