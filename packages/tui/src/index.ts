export type { ApplyFlow, ApplyReview, FleetStackInfo, StackDetails, StackSetting, UiActions, RunHandle } from './types.js';
export { runFleetUi, type RunFleetUiOptions } from './run-fleet-ui.js';
export { FleetApp, type FleetAppProps } from './fleet-app.js';
export { RunView, type RunViewProps } from './run-view.js';
export {
  createRunViewState,
  reduceRunView,
  reduceRunViewEvents,
  type RunViewState,
  type RunStackView,
  type FinishedStackView,
  type RunViewOptions,
  type RunStackPhase,
} from './run-view-state.js';
export { computeRunProgress, type RunProgress } from './run-progress.js';
export { filterFleet, buildFleetRows, type FleetRow, type FleetFilter, type FleetGrouping } from './fleet-rows.js';
export { LogBook } from './log-book.js';
export { createScriptedRun, type ScriptedRun } from './scripted-run.js';
export { KeyRouter, useKeys, type KeyHandler } from './key-router.js';
export { renderScriptedRun, buildScriptedRunEvents, type ScriptedRunOptions, type ScriptedRunResult } from './render-scripted-run.js';
export { runLiveRunUi, type RunLiveUiOptions } from './run-live-ui.js';
