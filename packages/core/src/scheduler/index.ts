export { createScheduler } from './create-scheduler.js';
export {
  simulateSchedule,
  simulateScheduleIntervals,
  type SimulatedInterval,
  type SimulationOptions,
  type SimulationResult,
} from './simulate-schedule.js';
export type { ScheduledState, Scheduler, SchedulerOptions, SkippedStack } from './types.js';
