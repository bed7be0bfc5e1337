/**
 * The command that approves a run whose stacks wait for an approval, in the
 * CLI's note after a run and the live view's last frame alike; `short`
 * leaves out the optional flags (a narrow terminal). Once approved,
 * `stackfleet resume RUN` continues it (`formatResumeHint`).
 */
export function formatApproveCommand(runId: string, options: { short?: boolean } = {}): string {
  return `stackfleet approve ${runId}${options.short ? '' : ' [--stack GLOB] [--comment TEXT]'}`;
}
