/** The details screen as plain lines (pure), so it can scroll in any terminal height. */
import { formatDuration, formatPolicyDecision, pickPolicyEffectColor, type PaintStyle } from '@stackfleet/core';
import type { FleetStackInfo, StackDetails } from './types.js';

export interface DetailsLine {
  text: string;
  heading?: boolean;
  color?: PaintStyle;
}

export function buildDetailsLines(stack: FleetStackInfo, details: StackDetails | undefined): DetailsLine[] {
  const lines: DetailsLine[] = [
    { text: `repo ${stack.repo || '(this repository)'} · path ${stack.path} · runner ${stack.runner}` },
    { text: `labels ${stack.labels.join(', ') || '-'}${stack.lockedBy ? ` · locked by ${stack.lockedBy}` : ''}${stack.drift ? ` · drift ${stack.drift}` : ''}` },
    { text: `depends on ${stack.dependsOn.join(', ') || '-'}` },
    { text: `dependents ${stack.dependents.join(', ') || '-'}` },
  ];
  if (!details) return [...lines, { text: ' ' }, { text: 'loading…' }];
  lines.push({ text: ' ' }, { text: `Outputs (${details.outputs.length})`, heading: true });
  for (const output of details.outputs) {
    lines.push({ text: `  ${output.name} = ${output.value}${output.sensitive ? '  (sensitive)' : ''}` });
  }
  lines.push({ text: ' ' }, { text: `Settings (${details.settings.length})`, heading: true });
  const keyWidth = Math.min(28, Math.max(0, ...details.settings.map((setting) => setting.key.length)));
  for (const setting of details.settings) {
    lines.push({ text: `  ${setting.key.padEnd(keyWidth)} = ${setting.value}  ← ${setting.source}` });
  }
  lines.push({ text: ' ' }, { text: `Last runs (${details.history.length})`, heading: true });
  for (const run of details.history) {
    const duration = run.durationMs === undefined ? '' : `  ${formatDuration(run.durationMs)}`;
    lines.push({ text: `  ${run.at}  ${run.status.padEnd(11)} ${run.runId}${duration}` });
  }
  const policies = details.lastRunPolicies;
  if (policies && policies.decisions.length > 0) {
    lines.push({ text: ' ' }, { text: `Policies in run ${policies.runId} (${policies.decisions.length})`, heading: true });
    for (const { decision, count } of policies.decisions) {
      // As `show RUN` lists them: escaped for the terminal, `×N` for a decision made again on resume.
      const text = `  ${decision.stack === null ? 'run: ' : ''}${formatPolicyDecision(decision)}${count > 1 ? ` ×${count}` : ''}`;
      lines.push({ text, color: pickPolicyEffectColor(decision.effect) });
    }
  }
  return lines;
}
