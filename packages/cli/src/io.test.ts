import type { writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeAllSync } from './io.js';

/** A writeSync that takes at most `chunk` bytes per call and fails the calls listed in `failures` (by call number). */
function recordingWrite(chunk: number, failures: Record<number, string> = {}) {
  const written: string[] = [];
  let calls = 0;
  const write = ((_fd: number, bytes: Buffer, offset: number) => {
    calls += 1;
    const code = failures[calls];
    if (code !== undefined) throw Object.assign(new Error(code), { code });
    const part = bytes.subarray(offset, offset + chunk);
    written.push(part.toString('utf8'));
    return part.length;
  }) as unknown as typeof writeSync;
  return { write, written, calls: () => calls };
}

describe('writeAllSync', () => {
  it('goes on after a partial write until everything is written', () => {
    const sink = recordingWrite(4);
    writeAllSync(1, 'app\ndatabase\n', sink.write);
    expect(sink.written.join('')).toBe('app\ndatabase\n');
    expect(sink.calls()).toBe(4);
  });

  it('tries again when a non-blocking descriptor is full (EAGAIN)', () => {
    const sink = recordingWrite(100, { 1: 'EAGAIN', 2: 'EAGAIN' });
    writeAllSync(1, 'app\n', sink.write);
    expect(sink.written).toEqual(['app\n']);
    expect(sink.calls()).toBe(3);
  });

  it('stops quietly once the reader is gone (EPIPE) or the descriptor is closed (EBADF)', () => {
    for (const code of ['EPIPE', 'EBADF']) {
      const sink = recordingWrite(4, { 2: code });
      expect(() => writeAllSync(1, 'app\ndatabase\n', sink.write)).not.toThrow();
      expect(sink.written).toEqual(['app\n']);
      expect(sink.calls()).toBe(2);
    }
  });

  it('throws any other error', () => {
    const sink = recordingWrite(4, { 1: 'EIO' });
    expect(() => writeAllSync(1, 'app\n', sink.write)).toThrow('EIO');
  });
});
