export { prepareResumePlan, recoverRun, type RecoverRunOptions } from './recover-run.js';
