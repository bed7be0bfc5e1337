/**
 * Turns a stream of text chunks into complete lines. Chunks split a line
 * anywhere (even inside `\r\n`), so the unfinished tail is kept until the next
 * chunk or `flush()`. Masking relies on this: it only ever sees whole lines.
 */
export interface LineSplitter {
  push(chunk: string): void;
  /** Emits the last line when the stream ended without a newline. */
  flush(): void;
}

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  let pending = '';
  const emit = (line: string): void => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      const text = pending + chunk;
      let start = 0;
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        emit(text.slice(start, newline));
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      pending = text.slice(start);
    },
    flush() {
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}
