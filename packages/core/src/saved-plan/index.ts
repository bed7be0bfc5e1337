export { compareSavedPlan, describePlanChanges, isSamePlan, isSavedPlanExpired, UPSTREAM_INPUT_PREFIX, type SavedPlanDifferences } from './compare-saved-plan.js';
