import type { QueryConfig } from 'pg';

/**
 * A statement a worker runs for every stack, as a named (prepared) one:
 * PostgreSQL parses and plans it once per connection instead of on every
 * call (a completion's statements are CTEs whose planning alone took about
 * half a millisecond each). One name per SQL text: the text must never vary.
 */
export function prepared(name: string, text: string, values: unknown[]): QueryConfig {
  return { name: `stackfleet-${name}`, text, values };
}
