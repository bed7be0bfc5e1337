export {
  completedApplyFiles,
  phaseOutputsFile,
  repoCacheDir,
  legacyRepoWorktreesDir,
  repoCheckoutDir,
  runDir,
  stackLogPath,
  stackWorkDir,
  stateDatabasePath,
  stateKeyPath,
  terraformPlanFile,
  toFileName,
} from './state-layout.js';
