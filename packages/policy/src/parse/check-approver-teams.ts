import { didYouMean, type Problem } from '@stackfleet/core';
import type { ApproverTeam } from './parse-policy-file.js';

/**
 * Warnings for `team:NAME` approvers that name no team of the manifest's
 * `teams:`. Not errors: NAME may be a GitHub team of the repository's
 * organisation, whose members a run on GitHub asks GitHub about. Anywhere
 * else no approval counts for such an entry, so a typo (`team:dbaa`) makes
 * the rule wait for an approver who never comes. A manifest without
 * `teams:` gets none: its teams can only be GitHub's, and a warning on
 * every `validate` that nothing could silence would teach people to
 * ignore warnings.
 */
export function checkApproverTeams(approverTeams: readonly ApproverTeam[], teams: readonly string[]): Problem[] {
  if (teams.length === 0) return [];
  const known = new Set(teams);
  const listed = `the manifest's teams are ${[...teams].sort().join(', ')}`;
  return approverTeams
    .filter(({ team }) => !known.has(team))
    .map(({ team, keyPath, location }) => ({
      code: 'E_POLICY_TEAM',
      message: `team "${team}" is not one of the manifest's teams${didYouMean(team, teams)}`,
      hint: `${listed}; an approval counts for "team:${team}" only when GitHub says the approver is in the organisation's team "${team}" (runs on GitHub). Fix the name, or add ${team}: [login, ...] under teams: in the manifest`,
      keyPath,
      location,
    }));
}
