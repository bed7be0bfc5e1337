export { buildMarker, hasMarker, type MarkerKind } from './render/marker.js';
export type { ReportDecision, ReportStack, RunReport } from './render/report-model.js';
export { addCommentAnswer } from './render/add-comment-answer.js';
export { renderReportMarkdown, GITHUB_BODY_LIMIT, type RenderOptions } from './render/render-report-markdown.js';
export { decideCheckConclusion, type CheckConclusion } from './render/decide-check-conclusion.js';
export { formatChangeCounts } from './render/format-report.js';
export { createGithubClient, type GithubClient, type GithubClientOptions } from './client/create-github-client.js';
export { findCommentByMarker, postComment, upsertStickyComment, type RepoRef } from './client/upsert-sticky-comment.js';
export { completeCheckRun, startCheckRun, type CheckAnnotation } from './client/check-runs.js';
export {
  hasWritePermission,
  readApprovals,
  readPullRequest,
  readPullsForCommit,
  readTeamMemberships,
  type Approval,
  type PullRequestInfo,
} from './client/read-approvals.js';
export { syncDriftIssue } from './client/drift-issue.js';
export { reactToComment, type Reaction } from './client/react-to-comment.js';
export { isNullSha, parseGithubContext, readGithubContext, type GithubContext } from './context/github-context.js';
export { renderWorkflows, type RenderedWorkflow, type WorkflowOptions } from './init/render-workflows.js';
