export { runPolicyCommand } from './run-policy-command.js';
export { selectPolicyCommandEnv } from './policy-command-env.js';
