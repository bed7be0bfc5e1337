import type { RunRecord } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { choosePullPlanRun } from './find-pull-saved-plan.js';

const HEAD = 'a'.repeat(40);

function planRun(id: string, pull: { number: number; headSha: string } | undefined, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    command: 'plan',
    selection: { save: true, ...(pull ? { pullRequest: pull } : {}) },
    stacks: ['app'],
    startedBy: 'ci',
    host: 'h',
    pid: 1,
    repoShas: { '': pull?.headSha ?? HEAD },
    manifestPath: '/r/stacks.yaml',
    startedAt: '2026-01-01T00:00:00Z',
    status: 'succeeded',
    ...extra,
  };
}

describe('choosePullPlanRun', () => {
  it("picks the newest saved plan of this PR, skipping other PRs' and unsaved runs", () => {
    const runs = [planRun('other', { number: 8, headSha: HEAD }), planRun('unsaved', undefined, { selection: {} }), planRun('mine', { number: 7, headSha: HEAD }), planRun('older', { number: 7, headSha: HEAD })];
    expect(choosePullPlanRun(runs, { number: 7, headSha: HEAD })).toEqual({ runId: 'mine' });
  });

  it('refuses when the PR has no saved plan', () => {
    expect(choosePullPlanRun([planRun('other', { number: 8, headSha: HEAD })], { number: 7, headSha: HEAD })).toEqual({
      refusal: 'no saved plan for pull request #7: comment `/stackfleet plan` to plan again, review it, then `/stackfleet apply`',
    });
  });

  it('refuses a plan of an older head, even when an even older plan was of this head', () => {
    const moved = 'b'.repeat(40);
    const result = choosePullPlanRun([planRun('new', { number: 7, headSha: moved }), planRun('old', { number: 7, headSha: HEAD })], { number: 7, headSha: HEAD });
    expect(result).toMatchObject({ refusal: expect.stringContaining('stale: the latest plan of pull request #7 (run new) is for commit bbbbbbb, the head is now aaaaaaa') });
  });

  it('refuses a plan made on another checkout (the test merge commit) and a plan that did not finish', () => {
    const merge = planRun('merge', { number: 7, headSha: HEAD }, { repoShas: { '': 'c'.repeat(40) } });
    expect(choosePullPlanRun([merge], { number: 7, headSha: HEAD })).toMatchObject({ refusal: expect.stringContaining('run merge planned commit ccccccc') });
    const failed = planRun('failed', { number: 7, headSha: HEAD }, { status: 'failed' });
    expect(choosePullPlanRun([failed], { number: 7, headSha: HEAD })).toMatchObject({ refusal: expect.stringContaining('ended failed') });
  });
});
