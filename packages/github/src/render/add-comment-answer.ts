/**
 * A comment command's refusal shown at the top of the fleet's sticky comment,
 * above the plan it leaves in place: a refused `/stackfleet apply` from a
 * reader must not erase the plan that reviewers read. A later answer replaces
 * the earlier one; the next plan re-renders the whole comment without it.
 */
import { GITHUB_BODY_LIMIT } from './render-report-markdown.js';

const OPEN = '<!-- stackfleet:answer -->';
const CLOSE = '<!-- /stackfleet:answer -->';

/** The body with `answer` (one paragraph) under its first line (the marker); undefined when it would not fit. */
export function addCommentAnswer(body: string, answer: string, limit = GITHUB_BODY_LIMIT): string | undefined {
  const cleared = removeCommentAnswer(body);
  const newline = cleared.indexOf('\n');
  const [first, rest] = newline === -1 ? [cleared, ''] : [cleared.slice(0, newline), cleared.slice(newline + 1)];
  const quoted = answer.split('\n').map((line) => `> ${line}`).join('\n');
  const next = `${first}\n${OPEN}\n${quoted}\n${CLOSE}\n${rest}`;
  return next.length <= limit ? next : undefined;
}

function removeCommentAnswer(body: string): string {
  const start = body.indexOf(OPEN);
  const end = body.indexOf(CLOSE);
  if (start === -1 || end < start) return body;
  return body.slice(0, start) + body.slice(end + CLOSE.length + (body[end + CLOSE.length] === '\n' ? 1 : 0));
}
