export { buildRunPlan, type BuildRunPlanOptions } from './build-run-plan.js';
