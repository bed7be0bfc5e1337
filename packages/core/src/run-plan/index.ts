export { buildRunPlan, type BuildRunPlanOptions } from './build-run-plan.js';
export { measurePlanChains } from './measure-plan-chains.js';
