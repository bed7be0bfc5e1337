export * from './types.js';
export { parsePolicyFile, nameFromFile, DEFAULT_EXEC_TIMEOUT_MS, type ApproverTeam, type ParsedPolicy, type ParsePolicyOptions } from './parse/parse-policy-file.js';
export { checkApproverTeams } from './parse/check-approver-teams.js';
export { parsePolicyDocument, type ParsedPolicyDocument } from './parse/parse-policy-document.js';
export { CEL_LIMITS } from './cel/create-cel-environment.js';
export { evaluatePolicy, evaluatePolicies, type EvaluateOptions } from './evaluate/evaluate-policy.js';
export { evaluateCelPolicy } from './evaluate/evaluate-cel-policy.js';
export { interpretExecResult, EXEC_RULE } from './evaluate/evaluate-exec-policy.js';
export {
  selectExecEnvironment,
  type PolicyCommandRequest,
  type PolicyCommandResult,
  type PolicyCommandRunner,
} from './evaluate/exec-command.js';
export {
  countsApproval,
  decideVerdict,
  describeApprovalShortfall,
  isApprovalSatisfied,
  type ApprovalContext,
  type PolicyApproval,
  type PolicyVerdict,
  type VerdictSummary,
} from './evaluate/decide-verdict.js';
export {
  buildAccessPolicyInput,
  buildPlannedStacks,
  buildRunPolicyInput,
  buildStackPolicyInput,
  describeStack,
  sanitizeApprovals,
  type SecretValues,
} from './input/build-policy-input.js';
export { includesLogin, isSameLogin, toLoginKey } from './evaluate/same-login.js';
export { collectSecretStrings, redactValue, sanitizeInputValue, sanitizeTerraformPlan } from './input/sanitize-terraform-plan.js';
export { countCommandChanges, countTerraformChanges } from './input/count-changes.js';
export { describeNonPlan } from './input/describe-non-plan.js';
export { buildRunInfo, needsGitEmail, resolveActor, type RunInfoOptions } from './input/build-run-info.js';
export { POLICY_INPUT_JSON_SCHEMA } from './input/input-schema.js';
export type * from './input/types.js';
export { groupPolicyAttachments, loadedPolicyAppliesTo, selectRunPolicies, selectStackPolicies, type LoadedPolicy } from './select/select-policies.js';
export { readsOnlyStableRunFacts } from './select/reads-only-stable-run-facts.js';
export {
  defaultPolicyFile,
  parsePolicyTestFile,
  type ExpectedDecision,
  type PolicyTestCase,
  type PolicyTestFile,
} from './test-file/parse-policy-test-file.js';
export { buildTestCaseInput, diffDecisions, formatDecision, runPolicyTestCase, type TestCaseResult } from './test-file/run-test-case.js';
export {
  evaluateAccessGate,
  evaluatePlannedRunGate,
  evaluateRunGate,
  evaluateStackGate,
  toPolicyApprovals,
  type GateContext,
  type GateResult,
  type RunGateResult,
} from './gate/evaluate-gate.js';
export { buildApprovalRecords, type ApprovalRequest } from './gate/build-approvals.js';
