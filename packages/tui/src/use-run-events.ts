import { useEffect, useRef, useState } from 'react';
import type { RunEvent } from '@stackfleet/core';
import { LogBook } from './log-book.js';
import { createRunViewState, reduceRunViewEvents, type RunViewState } from './run-view-state.js';
import type { RunHandle } from './types.js';

export interface RunEventsOptions {
  /** Events are applied in batches at most this often, so a burst costs one render. @default 16 */
  batchMs?: number;
  logTailSize?: number;
}

/** Subscribes to a run and reduces its events (batched) into a {@link RunViewState} and a {@link LogBook}. */
export function useRunEvents(handle: RunHandle, options: RunEventsOptions = {}): { state: RunViewState; logBook: LogBook } {
  const { batchMs = 16, logTailSize } = options;
  const [state, setState] = useState(() => createRunViewState(logTailSize === undefined ? {} : { logTailSize }));
  const logBook = useRef(new LogBook()).current;
  useEffect(() => {
    let buffer: RunEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      const events = buffer;
      buffer = [];
      setState((previous) => reduceRunViewEvents(previous, events));
    };
    const unsubscribe = handle.subscribe((event) => {
      if (event.type === 'stack.log') logBook.append(event.stack, event.line);
      buffer.push(event);
      timer ??= setTimeout(flush, batchMs);
    });
    // Every event is in by the time the run settles: draw them at once, so a
    // view that leaves right after (the live run view) leaves on its final
    // frame, not on one a batch behind (a quick plan showed "run 0/0").
    let subscribed = true;
    const flushNow = (): void => {
      if (!subscribed || !timer) return;
      clearTimeout(timer);
      flush();
    };
    handle.done.then(flushNow, flushNow);
    return () => {
      subscribed = false;
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [handle, batchMs, logBook]);
  return { state, logBook };
}
