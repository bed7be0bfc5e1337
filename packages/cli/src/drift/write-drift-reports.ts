import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderJunitReport, renderMarkdownReport, type DriftSweep } from '@stackfleet/core';

/** Writes `--report FILE.md` and `--junit FILE.xml`, paths relative to the working directory. */
export async function writeDriftReports(sweep: DriftSweep, targets: { cwd: string; report?: string; junit?: string }): Promise<string[]> {
  const written: string[] = [];
  if (targets.report) written.push(await writeText(resolve(targets.cwd, targets.report), renderMarkdownReport(sweep)));
  if (targets.junit) written.push(await writeText(resolve(targets.cwd, targets.junit), renderJunitReport(sweep)));
  return written;
}

async function writeText(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}
