/**
 * What an interrupted or crashed run tells its operator, in the live view's
 * final frame, the CI log and `show` alike: the one command that continues it.
 */
export function formatResumeHint(runId: string): string {
  return `\`stackfleet resume ${runId}\` continues it`;
}
