/**
 * stackfleet's own secret control variables: the key that encrypts the store,
 * the store's URL (it carries the database password), and any later
 * `STACKFLEET_*` credential. No stack, hook, `run -- CMD` or exec policy has
 * any business with them; the runner and the policy package both ask here.
 */
const ORCHESTRATOR_SECRETS = new Set(['STACKFLEET_STATE_KEY', 'STACKFLEET_STATE_URL']);

// Any later control variable of ours that names a credential is covered too.
const SECRET_NAME = /^STACKFLEET_\w*(KEY|TOKEN|SECRET|PASSWORD|PASSPHRASE|URL|DSN)$/;

/** Whether `name` is one of stackfleet's own secret control variables. */
export function isOrchestratorSecret(name: string): boolean {
  return ORCHESTRATOR_SECRETS.has(name) || SECRET_NAME.test(name);
}
