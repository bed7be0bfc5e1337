
export const POLICY_KINDS = ['plan', 'run', 'access'] as const;
export const POLICY_ENGINES = ['cel', 'exec'] as const;
export const POLICY_EFFECTS = ['deny', 'warn', 'require_approval'] as const;

/** plan: per stack, after its plan; run: once over all planned stacks; access: before anything runs. */
export type PolicyKind = (typeof POLICY_KINDS)[number];
export type PolicyEngine = (typeof POLICY_ENGINES)[number];
export type PolicyEffect = (typeof POLICY_EFFECTS)[number];

/** A CEL expression with what is needed to point at it in its file. */
export interface CelExpression {
  text: string;
  /** `rules[0].when`, `variables.score`. */
  keyPath: string;
}

export interface PolicyRule {
  name: string;
  effect: PolicyEffect;
  when: CelExpression;
  /** Absent: the rule's name is the message. */
  message?: CelExpression;
  /** For require_approval: approvals needed. @default 1 */
  approvals: number;
  /** For require_approval: logins or `team:NAME`; empty = anyone but the run's actor. */
  approvers: string[];
}

interface PolicyBase {
  /** `name:` in the file, else the file name without `.policy.yaml`. */
  name: string;
  kind: PolicyKind;
  /** The file as printed in messages. */
  source: string;
  /** Directory of the file (exec policies run there). */
  dir: string;
  params: Record<string, unknown>;
}

export interface CelPolicy extends PolicyBase {
  engine: 'cel';
  variables: { name: string; expression: CelExpression }[];
  rules: PolicyRule[];
}

export interface ExecPolicy extends PolicyBase {
  engine: 'exec';
  /** Run with `sh -c` in `dir`. */
  command: string;
  timeoutMs: number;
}

export type Policy = CelPolicy | ExecPolicy;

/** One rule that fired (or one evaluation that failed, as a deny). */
export interface PolicyDecision {
  policy: string;
  rule: string;
  effect: PolicyEffect;
  message: string;
  /** require_approval only: how many approvals satisfy it. */
  approvals?: number;
  /** require_approval only: who may approve (empty = anyone but the actor). */
  approvers?: string[];
  /** True when the decision is a failed evaluation (fail closed). */
  error?: boolean;
}
