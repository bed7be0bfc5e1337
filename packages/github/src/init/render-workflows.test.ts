/**
 * The workflows `github init` writes are checked with GitHub's own workflow
 * parser and schema (`@actions/workflow-parser`, the one behind GitHub's
 * Actions language server): a typo in a key or an expression fails here.
 */
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderWorkflows } from './render-workflows.js';

/** The parts of a GitHub workflow file these tests read. */
interface WorkflowDocument {
  on: unknown;
  concurrency?: unknown;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Array<Record<string, unknown>> }>;
}

function schemaErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((error) => error.message);
}

describe('renderWorkflows', () => {
  const workflows = renderWorkflows({ manifestPath: 'infra/stacks.yaml', needsTerraform: true, defaultBranch: 'main' });

  it('writes plan, apply and drift workflows that GitHub accepts', () => {
    expect(workflows.map((workflow) => workflow.file)).toEqual(['stackfleet-plan.yml', 'stackfleet-apply.yml', 'stackfleet-drift.yml']);
    for (const workflow of workflows) expect(schemaErrors(workflow.file, workflow.text), workflow.file).toEqual([]);
  });

  it('the check itself catches a broken workflow', () => {
    const broken = workflows[0]!.text.replace('runs-on:', 'runs_on:');
    expect(schemaErrors('broken.yml', broken).length).toBeGreaterThan(0);
  });

  it('uses full history, least privilege, and never lets two applies overlap', () => {
    const [plan, apply, drift] = workflows.map((workflow) => parse(workflow.text) as WorkflowDocument);
    for (const doc of [plan, apply, drift]) {
      const checkout = doc!.jobs[Object.keys(doc!.jobs)[0]!]!.steps[0];
      const ref = doc === plan ? { ref: '${{ github.event.pull_request.head.sha }}' } : {};
      expect(checkout).toEqual({ uses: 'actions/checkout@v4', with: { ...ref, 'fetch-depth': 0 } });
      expect(Object.values(doc!.permissions).every((level) => level === 'read' || level === 'write')).toBe(true);
      expect(doc!.permissions['contents']).toBe('read');
    }
    expect(apply!.concurrency).toEqual({ group: 'stackfleet-apply', 'cancel-in-progress': false });
    expect(apply!.on).toEqual({ push: { branches: ['main'] } });
    expect(plan!.jobs['plan']!.steps.at(-1)!['run']).toBe('stackfleet plan --github --affected -f "infra/stacks.yaml"');
    expect(drift!.permissions).toEqual({ contents: 'read', issues: 'write' });
  });
});
