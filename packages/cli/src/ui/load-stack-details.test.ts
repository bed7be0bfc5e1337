import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyDecisionRecord } from '@stackfleet/core';
import { openSqliteStore } from '@stackfleet/state';
import { createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { readFleet } from '../manifest/read-manifest.js';
import { loadStackDetails } from './load-stack-details.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

describe('loadStackDetails', () => {
  it("reads the policy decisions of the stack's last run from a real store: its own and the run's, repeats once with their count", async () => {
    temp = await createTempDir();
    for (const stack of ['db', 'app']) mkdirSync(join(temp.path, stack));
    writeFileSync(join(temp.path, 'stacks.yaml'), 'version: 1\nstacks:\n  db: { runner: command, path: db, commands: { apply: "true" } }\n  app: { runner: command, path: app, commands: { apply: "true" } }\n');
    const fleet = readFleet(temp.path);
    const store = openSqliteStore({ stateDir: fleet.stateDir, env: {} });
    let minute = 0;
    const record = async (id: string, decisions: Omit<PolicyDecisionRecord, 'runId' | 'at'>[]) => {
      minute += 1;
      const at = `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
      await store.createRun({
        id, command: 'apply', selection: {}, stacks: ['db', 'app'], startedBy: 'me@host', host: 'host', pid: 1,
        repoShas: {}, manifestPath: 'stacks.yaml', startedAt: at, status: 'succeeded',
      });
      await store.putStackRun({ runId: id, stack: 'db', state: 'succeeded', attempt: 1, startedAt: at, finishedAt: at });
      await store.recordPolicyDecisions(decisions.map((decision) => ({ ...decision, runId: id, at })));
    };
    const warn = { stack: 'db', policy: 'guard', rule: 'note', effect: 'warn' as const, message: 'big' };
    try {
      await record('r1', [{ ...warn, message: 'an older run' }]);
      expect((await loadStackDetails(fleet, store, 'db', {})).lastRunPolicies?.runId).toBe('r1');
      await record('r2', [
        warn,
        { ...warn, stack: 'app', message: 'not about db' },
        { ...warn, stack: null, rule: 'size', message: 'a big run' },
        // Resumed: judged again.
        warn,
        { ...warn, effect: 'require_approval', rule: 'look', message: 'someone looks', approvedBy: ['bob'] },
      ]);
      const details = await loadStackDetails(fleet, store, 'db', {});
      expect(details.lastRunPolicies).toEqual({
        runId: 'r2',
        decisions: [
          { decision: warn, count: 2 },
          { decision: { ...warn, stack: null, rule: 'size', message: 'a big run' }, count: 1 },
          { decision: { ...warn, effect: 'require_approval', rule: 'look', message: 'someone looks', approvedBy: ['bob'] }, count: 1 },
        ],
      });
      await record('r3', []);
      expect(await loadStackDetails(fleet, store, 'db', {})).not.toHaveProperty('lastRunPolicies');
    } finally {
      await store.close();
    }
  });
});
