/** Sweeps shared by the report tests (free of vitest; not exported from the package). */
import type { DriftSweep, StackDriftResult } from './types.js';

export const MIXED_SWEEP: DriftSweep = {
  runId: 'r-20240502-0300',
  checkedAt: '2024-05-02T03:00:00.000Z',
  stacks: [
    { stack: 'network', repo: 'platform', status: 'clean', changes: { create: 0, update: 0, delete: 0, replace: 0, resources: [] }, durationMs: 1200 },
    {
      stack: 'dns',
      repo: 'platform',
      status: 'drifted',
      durationMs: 2500,
      changes: {
        create: 1,
        update: 1,
        delete: 0,
        replace: 0,
        resources: [
          { address: 'terraform_data.record["www"]', action: 'create' },
          { address: 'terraform_data.zone', action: 'update' },
        ],
      },
      remediation: { status: 'not-opted-in' },
    },
    {
      stack: 'db',
      status: 'drifted',
      changes: { create: 0, update: 0, delete: 1, replace: 1, resources: [{ address: 'terraform_data.a', action: 'delete' }, { address: 'terraform_data.b', action: 'replace' }] },
      remediation: { status: 'needs-human', reason: 'plan deletes 2 resources, more than drift.maxDeletes (0)' },
    },
    { stack: 'cache', status: 'drifted', changes: { create: 1, update: 0, delete: 0, replace: 0 }, remediation: { status: 'applied' } },
    { stack: 'app', status: 'error', reason: 'plan failed: exit code 1\nError: <bad> & "quoted" \u001b[31mred\u001b[0m' },
    { stack: 'smoke', status: 'skipped', reason: 'dependency app failed' },
  ],
};

/** `count` drifted stacks with short names, one resource each. */
export function buildLargeSweep(count: number): DriftSweep {
  const stacks: StackDriftResult[] = Array.from({ length: count }, (_, index) => ({
    stack: `s${String(index).padStart(4, '0')}`,
    status: 'drifted',
    changes: { create: 1, update: 0, delete: 0, replace: 0, resources: [{ address: `terraform_data.item_${index}`, action: 'create' }] },
  }));
  return { runId: 'r-big', checkedAt: '2024-05-02T03:00:00.000Z', stacks };
}
