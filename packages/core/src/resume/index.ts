export { buildResumePlan, type ResumePlan, type ResumeState } from './build-resume-plan.js';
