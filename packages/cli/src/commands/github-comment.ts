import { hasWritePermission, reactToComment, readApprovals, readPullRequest, type PullRequestInfo } from '@stackfleet/github';
import { readCommitSha } from '@stackfleet/vcs';
import type { CommandContext } from '../command-context.js';
import { openGithubSession, type GithubFlags, type GithubSession } from '../github/open-github-session.js';
import { parseCommentCommand, type CommentCommand } from '../github/parse-comment-command.js';
import { findPullSavedPlan } from '../github/find-pull-saved-plan.js';
import { answerInStickyComment, refuseInStickyComment } from '../github/publish-run-report.js';
import { applyFromPlan, runPlanCommand } from './run-commands.js';

/**
 * `stackfleet github comment` on an `issue_comment` event: runs
 * `/stackfleet plan [--stack X]` or `/stackfleet apply [--stack X]` for the
 * pull request, only for users with write permission; reacts 👀, then 👍
 * or 👎; answers in the fleet's sticky comment. An apply needs the PR
 * approved (a current review approval, not the author's) and mergeable, and
 * applies the PR's saved plans (`apply --from-plan` of its latest plan at
 * the head commit): what the sticky comment showed, never a new plan.
 */
export async function runGithubCommentCommand(context: CommandContext, flags: Pick<GithubFlags, 'githubTokenEnv'>): Promise<number> {
  const fleet = context.readFleet();
  const session = await openGithubSession(context, fleet, { github: true, ...flags });
  const comment = session.context.comment;
  const parsed = comment?.isPullRequest ? parseCommentCommand(comment.body) : undefined;
  if (!comment || !parsed) {
    context.note('note: not a /stackfleet command on a pull request; nothing to do');
    return 0;
  }
  await react(session, comment.id, 'eyes');
  let code = 1;
  try {
    code = await runCommentCommand(context, session, parsed, { author: comment.author, issueNumber: comment.issueNumber }, flags);
    return code;
  } finally {
    await react(session, comment.id, code === 0 ? '+1' : '-1');
  }
}

async function runCommentCommand(
  context: CommandContext,
  session: GithubSession,
  parsed: CommentCommand,
  comment: { author: string; issueNumber: number },
  flags: Pick<GithubFlags, 'githubTokenEnv'>,
): Promise<number> {
  const checked = await checkCommand(session, parsed, comment.author, comment.issueNumber);
  if ('refusal' in checked) return refuse(context, session, parsed, comment.issueNumber, checked);
  const { pull } = checked;
  const head = await readCommitSha(session.repoRoot, 'HEAD');
  if (head !== pull.headSha) {
    const refusal = `the checkout is at ${head?.slice(0, 7) ?? 'no commit'}, not at the pull request's head ${pull.headSha.slice(0, 7)}`;
    const hint = 'check out the PR head first: actions/checkout with `ref: refs/pull/<number>/head` and `fetch-depth: 0` (docs/ci.md)';
    return refuse(context, session, parsed, pull.number, { refusal, sha: pull.headSha, hint });
  }
  if (parsed.command === 'plan') {
    const selection = parsed.stacks.length > 0 ? { stack: parsed.stacks } : { affected: true };
    return runPlanCommand(context, { ...selection, github: true, githubPull: pull, ...flags });
  }
  // Apply exactly what the PR's plan comment showed: its saved plans, never a new plan.
  const found = await findPullSavedPlan(context, context.readFleet(), pull, parsed.stacks);
  if ('refusal' in found) {
    context.io.stderr.write(`error: ${found.refusal}\n`);
    // No plan to keep (none saved, or a stale one): the answer replaces the comment.
    const report = { command: 'apply' as const, runId: '', manifestPath: session.manifestPath, sha: pull.headSha, stacks: [], error: found.refusal };
    await answerInStickyComment(session, pull.number, report);
    return 1;
  }
  return applyFromPlan(context, { github: true, githubPull: pull, ...flags }, found.runId, found.stacks);
}

interface Refusal {
  refusal: string;
  /** The PR's head when it was read (the answer's commit), else the event's sha. */
  sha?: string;
  hint?: string;
}

/** Nothing ran: say why on stderr and on top of the sticky comment (its plan stays); exit 1. */
async function refuse(context: CommandContext, session: GithubSession, parsed: CommentCommand, pullNumber: number, refused: Refusal): Promise<number> {
  context.io.stderr.write(`error: ${refused.refusal}\n`);
  if (refused.hint) context.note(`hint: ${refused.hint}`);
  const sha = refused.sha ?? session.context.sha;
  await refuseInStickyComment(session, pullNumber, { command: parsed.command, runId: '', manifestPath: session.manifestPath, sha, stacks: [], error: refused.refusal });
  return 1;
}

/** The PR when the command may run; otherwise why not. */
async function checkCommand(session: GithubSession, parsed: CommentCommand, author: string, number: number): Promise<{ pull: PullRequestInfo } | Refusal> {
  // Nothing else is read for a user who may not run commands.
  if (!(await hasWritePermission(session.client, session.repo, author))) {
    return { refusal: `@${author} may not run /stackfleet ${parsed.command}: it needs write permission to ${session.repo.owner}/${session.repo.repo}` };
  }
  const pull = await readPullRequest(session.client, session.repo, number);
  const refused = (refusal: string): Refusal => ({ refusal, sha: pull.headSha });
  if (pull.state !== 'open') return refused(`pull request #${number} is ${pull.merged ? 'merged' : pull.state}`);
  if (parsed.command === 'plan') return { pull };
  if (pull.mergeable !== true) return refused(`pull request #${number} is not mergeable${pull.mergeable === null ? ' (GitHub has not computed it yet; try again)' : ''}`);
  const approvals = await readApprovals(session.client, session.repo, pull);
  if (approvals.length === 0) return refused(`pull request #${number} has no approval on its head commit ${pull.headSha.slice(0, 7)}`);
  return { pull };
}

async function react(session: GithubSession, commentId: number, content: 'eyes' | '+1' | '-1'): Promise<void> {
  try {
    await reactToComment(session.client, session.repo, commentId, content);
  } catch (error) {
    session.warn('react to the comment', error);
  }
}
