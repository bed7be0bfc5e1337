import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_DELAY_MS, setLongTimeout } from './set-long-timeout.js';

const HOUR_MS = 3_600_000;

describe('setLongTimeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the whole delay past setTimeout limit (600h), in legs', () => {
    const fired = vi.fn();
    setLongTimeout(fired, 600 * HOUR_MS);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(600 * HOUR_MS - MAX_TIMER_DELAY_MS - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('re-arms once per leg of an injected limit and fires at the end', () => {
    const fired = vi.fn();
    setLongTimeout(fired, 25, 10);
    vi.advanceTimersByTime(10);
    expect([fired.mock.calls.length, vi.getTimerCount()]).toEqual([0, 1]);
    vi.advanceTimersByTime(14);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect([fired.mock.calls.length, vi.getTimerCount()]).toEqual([1, 0]);
  });

  it('fires a delay of exactly a multiple of the limit once, and short delays as setTimeout would', () => {
    const exact = vi.fn();
    const short = vi.fn();
    setLongTimeout(exact, 20, 10);
    setLongTimeout(short, 3, 10);
    vi.advanceTimersByTime(3);
    expect(short).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(17);
    expect(exact).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels in any leg', () => {
    const fired = vi.fn();
    const timeout = setLongTimeout(fired, 25, 10);
    vi.advanceTimersByTime(15);
    timeout.clear();
    vi.advanceTimersByTime(100);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
