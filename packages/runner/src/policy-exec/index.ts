export { runPolicyCommand, type PolicyCommandRequest, type PolicyCommandResult } from './run-policy-command.js';
