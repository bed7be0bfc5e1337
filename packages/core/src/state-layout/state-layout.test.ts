import { describe, expect, it } from 'vitest';
import {
  completedApplyFiles,
  phaseOutputsFile,
  repoCacheDir,
  legacyRepoWorktreesDir,
  repoCheckoutDir,
  runDir,
  stackLogPath,
  runWorkDir,
  legacyStackWorkDir,
  stateDatabasePath,
  stateKeyPath,
  terraformPlanFile,
  savedPlanFile,
} from './state-layout.js';

describe('the state directory layout', () => {
  it('puts every file where the docs say', () => {
    const state = '/fleet/.stackfleet';
    const work = runWorkDir(state, 'run-1');
    expect({
      db: stateDatabasePath(state),
      key: stateKeyPath(state),
      cache: repoCacheDir(state, 'payments'),
      checkout: repoCheckoutDir(state, 'payments'),
      legacy: legacyRepoWorktreesDir(state, 'payments'),
      run: runDir(state, 'run-1'),
      log: stackLogPath(state, 'run-1', 'app'),
      work,
      legacyWork: legacyStackWorkDir(state, 'run-1', 'app'),
      apply: completedApplyFiles(work, 'app'),
      plan: phaseOutputsFile(work, 'app', 'plan', 'n1'),
      tfplan: terraformPlanFile(work, 'app'),
      saved: savedPlanFile(state, 'run-1', 'team/app'),
    }).toEqual({
      db: '/fleet/.stackfleet/state.db',
      key: '/fleet/.stackfleet/key',
      cache: '/fleet/.stackfleet/repos/payments.git',
      checkout: '/fleet/.stackfleet/checkouts/payments',
      legacy: '/fleet/.stackfleet/worktrees/payments',
      run: '/fleet/.stackfleet/runs/run-1',
      log: '/fleet/.stackfleet/runs/run-1/app.log',
      work: '/fleet/.stackfleet/runs/run-1/work',
      legacyWork: '/fleet/.stackfleet/runs/run-1/work/app',
      apply: { outputsFile: '/fleet/.stackfleet/runs/run-1/work/app.apply.outputs.json', exitFile: '/fleet/.stackfleet/runs/run-1/work/app.apply.exit' },
      plan: '/fleet/.stackfleet/runs/run-1/work/app.plan.n1.outputs.json',
      tfplan: '/fleet/.stackfleet/runs/run-1/work/app.tfplan',
      saved: '/fleet/.stackfleet/runs/run-1/plans/team_app.tfplan',
    });
  });

  it('makes stack names safe as file names', () => {
    expect(completedApplyFiles('/w', 'team a/app:1').exitFile).toBe('/w/team_a_app_1.apply.exit');
  });
});
