import type { ChangeSummary } from '@stackfleet/core';

/** A policy decision as shown on GitHub. */
export interface ReportDecision {
  effect: 'deny' | 'warn' | 'require_approval';
  policy?: string;
  rule: string;
  message: string;
  /** require_approval only: who satisfied it (it no longer holds the stack back); absent while it waits. */
  approvedBy?: string[];
}

/** One stack of a run, as the comment, the check run and the step summary show it. */
export interface ReportStack {
  name: string;
  /** Repository name from `repos:` ('' or undefined = the manifest's own). */
  repo?: string;
  status: string;
  changes?: ChangeSummary;
  decisions?: ReportDecision[];
  /** Why it failed or was skipped. */
  reason?: string;
  /** The plan as terraform renders it (already masked), shown collapsed. */
  planText?: string;
  /** Where a denial points: the manifest or the stack's file, repository-relative. */
  annotationPath?: string;
  annotationLine?: number;
}

/** A finished (or denied) run, already masked: nothing here may hold a secret. */
export interface RunReport {
  command: 'plan' | 'apply' | 'destroy' | 'drift';
  runId: string;
  /** The manifest's path relative to the repository root: part of the comment marker. */
  manifestPath: string;
  /** The commit the report is about (short form shown). */
  sha: string;
  stacks: ReportStack[];
  /** Set when nothing was affected (the comment says so). */
  nothingAffected?: boolean;
  /** Where the full output is (the Actions run), for trimmed comments. */
  runUrl?: string;
  /** A run-level failure before any stack ran. */
  error?: string;
  /** Decisions about the whole run (`kind: run` and `kind: access` policies), not about one stack. */
  runDecisions?: ReportDecision[];
  /** A plan whose plans were saved (a PR's plan): `/stackfleet apply` applies this run. */
  savedPlanRunId?: string;
}
