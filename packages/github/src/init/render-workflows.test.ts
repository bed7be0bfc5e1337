/**
 * The workflows `github init` writes are checked with GitHub's own workflow
 * parser and schema (`@actions/workflow-parser`, the one behind GitHub's
 * Actions language server): a typo in a key or an expression fails here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

  it('writes plan, apply, drift and comment workflows that GitHub accepts', () => {
    expect(workflows.map((workflow) => workflow.file)).toEqual(['stackfleet-plan.yml', 'stackfleet-apply.yml', 'stackfleet-drift.yml', 'stackfleet-comment.yml']);
    for (const workflow of workflows) expect(schemaErrors(workflow.file, workflow.text), workflow.file).toEqual([]);
  });

  it('the check itself catches a broken workflow', () => {
    const broken = workflows[0]!.text.replace('runs-on:', 'runs_on:');
    expect(schemaErrors('broken.yml', broken).length).toBeGreaterThan(0);
  });

  it('uses full history, least privilege, and never lets two applies overlap', () => {
    const [plan, apply, drift, comment] = workflows.map((workflow) => parse(workflow.text) as WorkflowDocument);
    for (const doc of [plan, apply, drift, comment]) {
      const checkout = doc!.jobs[Object.keys(doc!.jobs)[0]!]!.steps[0];
      const ref = doc === plan ? { ref: '${{ github.event.pull_request.head.sha }}' } : {};
      const commentCheckout = { ref: 'refs/pull/${{ github.event.issue.number }}/head', 'persist-credentials': false };
      expect(checkout).toEqual({ uses: 'actions/checkout@v4', with: { ...(doc === comment ? commentCheckout : ref), 'fetch-depth': 0 } });
      expect(Object.values(doc!.permissions).every((level) => level === 'read' || level === 'write')).toBe(true);
      expect(doc!.permissions['contents']).toBe('read');
    }
    expect(apply!.concurrency).toEqual({ group: 'stackfleet-apply', 'cancel-in-progress': false });
    expect(apply!.on).toEqual({ push: { branches: ['main'] } });
    expect(plan!.jobs['plan']!.steps.at(-1)!['run']).toBe('stackfleet plan --github --affected -f "infra/stacks.yaml"');
    expect(drift!.permissions).toEqual({ contents: 'read', issues: 'write' });
  });

  it('runs comment commands only for /stackfleet comments on pull requests, an apply in the apply workflow\'s concurrency group', () => {
    const comment = parse(workflows[3]!.text) as Omit<WorkflowDocument, 'jobs' | 'concurrency'> & {
      concurrency: { group: string; 'cancel-in-progress': boolean };
      jobs: { comment: { if: string; steps: Array<Record<string, unknown>> } };
    };
    expect(comment.on).toEqual({ issue_comment: { types: ['created'] } });
    expect(comment.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', checks: 'write', issues: 'write' });
    const condition = comment.jobs.comment.if;
    expect(condition).toContain('github.event.issue.pull_request');
    expect(condition).toContain("startsWith(github.event.comment.body, '/stackfleet ')");
    expect(condition).toContain('github.event.comment.author_association');
    const group = comment.concurrency.group;
    // Applies: the apply workflow's group, so a comment apply and a push apply never overlap.
    const applyGroup = (parse(workflows[1]!.text) as WorkflowDocument & { concurrency: { group: string } }).concurrency.group;
    expect(group).toContain(`startsWith(github.event.comment.body, '/stackfleet apply') && '${applyGroup}'`);
    // Plans: the PR's plan group.
    expect(group).toContain("format('stackfleet-plan-{0}', github.event.issue.number)");
    expect(comment.concurrency).toMatchObject({ 'cancel-in-progress': false });
    expect(comment.jobs.comment.steps.at(-1)!['run']).toBe('stackfleet github comment -f "infra/stacks.yaml"');
  });

  it('docs/ci.md shows the comment workflow exactly as it is written', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../../../docs/ci.md', import.meta.url)), 'utf8');
    const shown = /```yaml\n(name: stackfleet comment\n[\s\S]*?)```/.exec(docs)?.[1];
    const written = renderWorkflows({ manifestPath: 'stacks.yaml', needsTerraform: false })[3]!.text;
    expect(shown).toBe(written.slice(written.indexOf('\n') + 1));
  });
});
