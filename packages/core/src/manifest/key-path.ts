/** One step of a key path: a map key or a list index. */
export type KeySegment = string | number;

// Keys that can be written bare after a dot; anything else is quoted in brackets
// so that `files["backend.auto.tfvars"]` stays one segment.
const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * `['stacks', 'app', 'dependsOn', 0, 'stack']` -> `stacks.app.dependsOn[0].stack`.
 * Keys that are not plain identifiers are written as `["key"]`.
 */
export function formatKeyPath(segments: readonly KeySegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (BARE_KEY.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** The inverse of `formatKeyPath`; returns undefined for a malformed path. */
export function parseKeyPath(path: string): KeySegment[] | undefined {
  const segments: KeySegment[] = [];
  let index = 0;
  while (index < path.length) {
    const char = path[index];
    if (char === '.') {
      if (index === 0) return undefined;
      index += 1;
      continue;
    }
    if (char === '[') {
      const close = findClosingBracket(path, index);
      if (close === -1) return undefined;
      const inner = path.slice(index + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else {
        try {
          const key: unknown = JSON.parse(inner);
          if (typeof key !== 'string') return undefined;
          segments.push(key);
        } catch {
          return undefined;
        }
      }
      index = close + 1;
      continue;
    }
    let end = index;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
    segments.push(path.slice(index, end));
    index = end;
  }
  return segments;
}

function findClosingBracket(path: string, open: number): number {
  let inString = false;
  for (let index = open + 1; index < path.length; index += 1) {
    const char = path[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === ']') return index;
  }
  return -1;
}
