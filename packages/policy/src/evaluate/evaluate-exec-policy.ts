import { formatDuration } from '@stackfleet/core';
import { POLICY_EFFECTS, type ExecPolicy, type PolicyDecision, type PolicyEffect } from '../types.js';
import { selectExecEnvironment, type PolicyCommandResult, type PolicyCommandRunner } from './exec-command.js';
import { failClosed } from './fail-closed.js';

export interface ExecOptions {
  runCommand?: PolicyCommandRunner;
  /** The orchestrator's environment; only PATH, HOME and STACKFLEET_* are passed on. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The run's interrupt (first Ctrl-C, or the stack's timeout): the command's
   * process group gets SIGINT, and the evaluation throws instead of deciding
   * (see `evaluatePolicy`).
   */
  signal?: AbortSignal;
  /** The second Ctrl-C: the command's process group is killed. */
  forceSignal?: AbortSignal;
}

/** The rule name of decisions an exec command returns as plain strings. */
export const EXEC_RULE = 'exec';

/** Runs the command with the input on stdin; any failure is a deny carrying it. */
export async function evaluateExecPolicy(policy: ExecPolicy, input: unknown, options: ExecOptions): Promise<PolicyDecision[]> {
  if (options.runCommand === undefined) {
    return [failClosed(policy.name, EXEC_RULE, new Error('exec policies cannot run here (no command runner)'))];
  }
  let result: PolicyCommandResult;
  try {
    result = await options.runCommand({
      command: policy.command,
      cwd: policy.dir,
      env: selectExecEnvironment(options.env ?? {}),
      stdin: JSON.stringify({ ...(input as Record<string, unknown>), params: policy.params }),
      timeoutMs: policy.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.forceSignal ? { forceSignal: options.forceSignal } : {}),
    });
  } catch (error) {
    return [failClosed(policy.name, EXEC_RULE, error)];
  }
  // Stopped midway by the run's interrupt: the command decided nothing, and a deny of its failure would outlive the run.
  if (options.signal?.aborted) throw new Error(`exec policy ${policy.name} was stopped before it decided`, { cause: options.signal.reason });
  return interpretExecResult(policy, result);
}

/** `{"deny": [msg], "warn": [msg], "require_approval": [msg]}`; missing keys are empty. */
export function interpretExecResult(policy: Pick<ExecPolicy, 'name' | 'timeoutMs'>, result: PolicyCommandResult): PolicyDecision[] {
  const fail = (message: string) => [failClosed(policy.name, EXEC_RULE, new Error(message))];
  if (result.timedOut) return fail(`command timed out after ${formatDuration(policy.timeoutMs)}`);
  if (result.exitCode !== 0) {
    const lastLine = result.stderr.trim().split('\n').pop() ?? '';
    return fail(`command exited with ${result.exitCode === null ? 'a signal' : `code ${result.exitCode}`}${lastLine ? `: ${lastLine}` : ''}`);
  }
  let output: unknown;
  try {
    output = JSON.parse(result.stdout);
  } catch {
    return fail(`command printed no JSON object: ${JSON.stringify(result.stdout.trim().slice(0, 120))}`);
  }
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    return fail('command must print a JSON object {"deny": [...], "warn": [...], "require_approval": [...]}');
  }
  const decisions: PolicyDecision[] = [];
  for (const [key, value] of Object.entries(output)) {
    if (!(POLICY_EFFECTS as readonly string[]).includes(key)) return fail(`command printed unknown key "${key}" (expected deny, warn, require_approval)`);
    if (!Array.isArray(value)) return fail(`"${key}" must be a list of messages`);
    for (const item of value) {
      const decision = toDecision(policy.name, key as PolicyEffect, item);
      if (decision === undefined) return fail(`"${key}" must hold strings or {"message": "...", "rule": "..."}, got ${JSON.stringify(item)}`);
      decisions.push(decision);
    }
  }
  return decisions;
}

function toDecision(policy: string, effect: PolicyEffect, item: unknown): PolicyDecision | undefined {
  const approval = effect === 'require_approval' ? { approvals: 1, approvers: [] } : {};
  if (typeof item === 'string') return { policy, rule: EXEC_RULE, effect, message: item, ...approval };
  if (item === null || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  // `msg` is what conftest/OPA policies usually return.
  const message = record['message'] ?? record['msg'];
  const rule = record['rule'] ?? EXEC_RULE;
  if (typeof message !== 'string' || typeof rule !== 'string') return undefined;
  return { policy, rule, effect, message, ...approval };
}
