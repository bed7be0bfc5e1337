import { formatCount } from '@stackfleet/core';
import { useApp } from 'ink';
import { useCallback, useState } from 'react';
import { ConfirmApply } from './confirm-apply.js';
import { DetailsView } from './details-view.js';
import { FleetView, type FleetCommand } from './fleet-view.js';
import { createFleetViewState, type FleetViewState } from './fleet-view-state.js';
import { HelpOverlay } from './help-overlay.js';
import { KeyRouter } from './key-router.js';
import { RunView } from './run-view.js';
import { ColorContext } from './theme.js';
import type { ApplyFlow, FleetStackInfo, RunHandle, UiActions } from './types.js';
import { useNow } from './use-now.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface FleetAppProps {
  fleet: readonly FleetStackInfo[];
  actions: UiActions;
  /** @default "stackfleet" */
  title?: string;
  /** False for NO_COLOR / --no-color: every colour is dropped, icons and words remain. @default true */
  color?: boolean;
  /** @default Date.now */
  clock?: () => number;
  /** Called once when the user quits, with the exit code. */
  onQuit?(exitCode: number): void;
  /** Event batching interval for run views. @default 16 */
  batchMs?: number;
  /** Spinner refresh interval. @default 100 */
  tickMs?: number;
}

type Screen =
  | { kind: 'fleet' }
  | { kind: 'help' }
  | { kind: 'details'; stack: FleetStackInfo }
  | { kind: 'confirm'; flow: ApplyFlow; stacks: readonly string[] }
  | { kind: 'run'; run: RunHandle };

/** The whole UI: the fleet, and the screens its actions open. Holds no business logic: every action is a callback. */
export function FleetApp(props: FleetAppProps): React.JSX.Element {
  const { actions } = props;
  const app = useApp();
  const clock = props.clock ?? Date.now;
  const { columns, rows } = useTerminalSize();
  const [fleet, setFleet] = useState(props.fleet);
  const [fleetState, setFleetState] = useState<FleetViewState>(createFleetViewState);
  const [screen, setScreen] = useState<Screen>({ kind: 'fleet' });
  // "2h ago" only needs a minute's precision.
  const nowMs = useNow(clock, 60_000, screen.kind === 'fleet');
  const notify = (message: string): void => setFleetState((state) => ({ ...state, message }));

  const backToFleet = useCallback(() => {
    setScreen({ kind: 'fleet' });
    actions.reloadFleet?.().then(setFleet, (error: unknown) => notify(`could not reload the fleet: ${describe(error)}`));
  }, [actions]);

  /** Opens the run view, or goes back to the fleet with a notice when the action threw. */
  const startRun = (start: () => RunHandle): void => {
    try {
      setScreen({ kind: 'run', run: start() });
    } catch (error) {
      notify(describe(error));
      setScreen({ kind: 'fleet' });
    }
  };

  const onCommand = (command: FleetCommand): void => {
    switch (command.kind) {
      case 'quit':
        props.onQuit?.(0);
        app.exit();
        return;
      case 'help':
        setScreen({ kind: 'help' });
        return;
      case 'details': {
        const stack = fleet.find((candidate) => candidate.name === command.stack);
        if (stack) setScreen({ kind: 'details', stack });
        return;
      }
      case 'unlock':
        actions.unlock(command.stack).then(
          () => {
            notify(`unlocked ${command.stack}`);
            actions.reloadFleet?.().then(setFleet, () => undefined);
          },
          (error: unknown) => notify(`could not unlock ${command.stack}: ${describe(error)}`),
        );
        return;
      case 'resume':
        // Nothing to resume is a notice, not a failed run: the fleet stays on screen.
        actions.resume().then(
          (resumed) => ('nothing' in resumed ? notify(resumed.nothing) : setScreen({ kind: 'run', run: resumed })),
          (error: unknown) => notify(describe(error)),
        );
        return;
      case 'add-dependents': {
        if (command.stacks.length === 0) return;
        const stacks = actions.addDependents(command.stacks);
        setFleetState((state) => ({ ...state, selected: new Set(stacks), message: `selected ${formatCount(stacks.length, 'stack')} (with dependents)` }));
        return;
      }
      case 'plan':
      case 'drift':
        if (command.stacks.length === 0) return notify('nothing selected');
        startRun(() => (command.kind === 'plan' ? actions.plan(command.stacks) : actions.drift(command.stacks)));
        return;
      case 'apply':
        if (command.stacks.length === 0) return notify('nothing selected');
        try {
          setScreen({ kind: 'confirm', flow: actions.apply(command.stacks), stacks: command.stacks });
        } catch (error) {
          notify(describe(error));
        }
        return;
    }
  };

  const runOptions = { ...(props.batchMs === undefined ? {} : { batchMs: props.batchMs }) };
  let content: React.JSX.Element;
  switch (screen.kind) {
    case 'help':
      content = <HelpOverlay topic="fleet" onClose={() => setScreen({ kind: 'fleet' })} />;
      break;
    case 'details':
      content = <DetailsView stack={screen.stack} loadDetails={actions.loadDetails} rows={rows} onClose={() => setScreen({ kind: 'fleet' })} />;
      break;
    case 'confirm':
      content = (
        <ConfirmApply
          flow={screen.flow}
          stacks={screen.stacks}
          rows={rows}
          columns={columns}
          onConfirm={() => startRun(() => screen.flow.apply())}
          onCancel={() => setScreen({ kind: 'fleet' })}
          {...runOptions}
        />
      );
      break;
    case 'run':
      content = (
        <RunView
          run={screen.run}
          rows={rows}
          columns={columns}
          clock={clock}
          onExit={backToFleet}
          {...runOptions}
          {...(props.tickMs === undefined ? {} : { tickMs: props.tickMs })}
        />
      );
      break;
    case 'fleet':
      content = (
        <FleetView
          fleet={fleet}
          state={fleetState}
          onStateChange={setFleetState}
          onCommand={onCommand}
          title={props.title ?? 'stackfleet'}
          columns={columns}
          rows={rows}
          nowMs={nowMs}
          isActive
        />
      );
      break;
  }
  return (
    <ColorContext.Provider value={props.color ?? true}>
      <KeyRouter>{content}</KeyRouter>
    </ColorContext.Provider>
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
