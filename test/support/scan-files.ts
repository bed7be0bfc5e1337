import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files under dir (recursively) that contain any of the needles, byte for byte, as `path: needle`. */
export function scanFiles(dir: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    for (const needle of needles) if (bytes.includes(needle)) found.push(`${entry}: ${needle}`);
  }
  return found;
}
