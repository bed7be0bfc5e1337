import { collectLabelWarnings, selectStacks, type Selection } from '@stackfleet/core';
import type { CliIo } from './io.js';
import { readFleet, type Fleet, type ReadFleetOptions } from './manifest/read-manifest.js';
import type { GlobalOptions, SelectionOptions } from './options.js';

/** What every command handler gets: the outside world and the global flags. */
export interface CommandContext {
  io: CliIo;
  global: GlobalOptions;
  /** Reads and validates the manifest once per invocation (again if a later call wants the directory check skipped before). */
  readFleet(options?: ReadFleetOptions): Fleet;
  /** Applies the selector flags (including `--affected`, which asks git). */
  select(fleet: Fleet, options: SelectionOptions): Promise<Selection>;
  /** Human-facing notes (stderr), e.g. warnings. */
  note: (message: string) => void;
}

export function createCommandContext(io: CliIo, global: GlobalOptions): CommandContext {
  let fleet: Fleet | undefined;
  let directoriesChecked = false;
  const note = (message: string) => io.stderr.write(`${message}\n`);
  return {
    io,
    global,
    note,
    readFleet(options) {
      const checkDirectories = options?.checkDirectories !== false;
      if (!fleet || (checkDirectories && !directoriesChecked)) {
        const first = fleet === undefined;
        fleet = readFleet(io.cwd, global.file, { checkDirectories });
        directoriesChecked = checkDirectories;
        if (first) for (const warning of collectLabelWarnings(fleet.loaded.manifest)) note(`warning: ${warning}`);
      }
      return fleet;
    },
    async select(target, options) {
      let affected: ReadonlyMap<string, string> | undefined;
      if (options.affected && options.affectedStacks) {
        affected = options.affectedStacks;
      } else if (options.affected) {
        const { detectAffected } = await import('./runtime/detect-affected.js');
        const result = await detectAffected(target, { base: options.base, head: options.head, env: io.env, note });
        for (const line of result.notes) note(`note: ${line}`);
        affected = result.affected;
      }
      const selection = selectStacks(target.graph, target.loaded.manifest, {
        stacks: options.stack,
        labels: options.label,
        exclude: options.exclude,
        // --affected brings dependents along unless --no-dependents (issue #5).
        withDependents: Boolean(options.withDependents) || (Boolean(options.affected) && options.dependents !== false),
        withDependencies: options.withDependencies,
        affected,
      });
      for (const warning of selection.warnings ?? []) note(`warning: ${warning}`);
      return selection;
    },
  };
}
