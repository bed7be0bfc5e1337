import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { stackLogPath, type RunEvent } from '@stackfleet/core';
import { createTempDir, type TempDir } from '@stackfleet/test-utils';
import { createLogFileReporter } from './log-file-reporter.js';

let temp: TempDir | undefined;
afterEach(async () => temp?.cleanup());

describe('log file reporter', () => {
  it('writes each stack its lines, and opens no file for a stack that printed nothing', async () => {
    temp = await createTempDir();
    const runId = 'run-1';
    const at = '2026-01-01T00:00:00.000Z';
    const reporter = createLogFileReporter(temp.path);
    const events: RunEvent[] = [
      { type: 'stack.started', runId, stack: 'loud', at },
      { type: 'stack.started', runId, stack: 'quiet', at },
      { type: 'stack.log', runId, stack: 'loud', stream: 'stdout', line: 'one', at },
      { type: 'stack.log', runId, stack: 'loud', stream: 'stderr', line: 'two', at },
      { type: 'stack.finished', runId, stack: 'quiet', status: 'succeeded', durationMs: 1, at },
      { type: 'stack.finished', runId, stack: 'loud', status: 'succeeded', durationMs: 1, at },
    ];
    for (const event of events) reporter.onEvent(event);
    await reporter.close?.();
    expect(readFileSync(stackLogPath(temp.path, runId, 'loud'), 'utf8')).toBe('one\ntwo\n');
    expect(existsSync(stackLogPath(temp.path, runId, 'quiet'))).toBe(false);
  });
});
