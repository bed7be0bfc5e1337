export { runPolicyCommand } from './run-policy-command.js';
