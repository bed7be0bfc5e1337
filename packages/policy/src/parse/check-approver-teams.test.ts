import { describe, expect, it } from 'vitest';
import { formatProblem } from '@stackfleet/core';
import { checkApproverTeams } from './check-approver-teams.js';
import { parsePolicyFile } from './parse-policy-file.js';

const TEXT = `kind: plan
rules:
  - name: big
    effect: require_approval
    when: input.changes.total > 3.0
    approvers: [alice, "team:dbaa", team:platform]
  - name: any
    effect: require_approval
    when: "true"
    approvers:
      - team:sre
`;

describe('checkApproverTeams', () => {
  const parsed = parsePolicyFile(TEXT, { source: 'policies/guard.policy.yaml' });

  it('finds every team:NAME approver with its place in the file', () => {
    expect(parsed.approverTeams).toEqual([
      { team: 'dbaa', keyPath: 'rules[0].approvers[1]', location: { file: 'policies/guard.policy.yaml', line: 6, column: 24 } },
      { team: 'platform', keyPath: 'rules[0].approvers[2]', location: { file: 'policies/guard.policy.yaml', line: 6, column: 37 } },
      { team: 'sre', keyPath: 'rules[1].approvers[0]', location: { file: 'policies/guard.policy.yaml', line: 11, column: 9 } },
    ]);
  });

  it('warns about the teams the manifest lacks, with a did-you-mean for a near one', () => {
    const warnings = checkApproverTeams(parsed.approverTeams!, ['platform', 'dba']).map(formatProblem);
    expect(warnings).toEqual([
      'policies/guard.policy.yaml:6:24 rules[0].approvers[1]: team "dbaa" is not one of the manifest\'s teams (did you mean "dba"?)\n' +
        '  hint: the manifest\'s teams are dba, platform; an approval counts for "team:dbaa" only when GitHub says the approver is in the organisation\'s team "dbaa" (runs on GitHub). Fix the name, or add dbaa: [login, ...] under teams: in the manifest',
      'policies/guard.policy.yaml:11:9 rules[1].approvers[0]: team "sre" is not one of the manifest\'s teams\n' +
        '  hint: the manifest\'s teams are dba, platform; an approval counts for "team:sre" only when GitHub says the approver is in the organisation\'s team "sre" (runs on GitHub). Fix the name, or add sre: [login, ...] under teams: in the manifest',
    ]);
    expect(checkApproverTeams(parsed.approverTeams!, ['platform', 'dbaa', 'sre'])).toEqual([]);
  });

  it('warns about none when the manifest defines no teams (they can only be GitHub teams then)', () => {
    expect(checkApproverTeams(parsed.approverTeams!, [])).toEqual([]);
  });
});
