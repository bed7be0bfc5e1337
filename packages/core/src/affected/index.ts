export type { AffectedReason, ChangeStatus, ChangedFile, ModuleSource } from './types.js';
export { selectAffectedStacks } from './select-affected-stacks.js';
export type { AffectedInput, AffectedResult } from './select-affected-stacks.js';
export { selectManifestEdits } from './manifest-edits.js';
export type { ManifestEdits } from './manifest-edits.js';
export { selectAffectedDependents, explainAffected } from './explain-affected.js';
export { selectVariableReferences } from './var-references.js';
