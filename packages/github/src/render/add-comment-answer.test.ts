import { describe, expect, it } from 'vitest';
import { addCommentAnswer } from './add-comment-answer.js';

const plan = '<!-- stackfleet:plan:stacks.yaml -->\n### stackfleet plan · `stacks.yaml` · abc1234\n\n| stack |\n';

describe('addCommentAnswer', () => {
  it('puts the answer under the marker and keeps the plan', () => {
    const body = addCommentAnswer(plan, '❌ refused: no write permission')!;
    expect(body.split('\n').slice(0, 4)).toEqual([
      '<!-- stackfleet:plan:stacks.yaml -->',
      '<!-- stackfleet:answer -->',
      '> ❌ refused: no write permission',
      '<!-- /stackfleet:answer -->',
    ]);
    expect(body.endsWith(plan.slice(plan.indexOf('\n') + 1))).toBe(true);
  });

  it('replaces an earlier answer instead of stacking them', () => {
    const twice = addCommentAnswer(addCommentAnswer(plan, 'first')!, 'second')!;
    expect(twice).not.toContain('first');
    expect(twice.match(/stackfleet:answer/g)).toHaveLength(2);
    expect(twice).toBe(addCommentAnswer(plan, 'second'));
  });

  it('gives up when the comment would pass the limit', () => {
    expect(addCommentAnswer(plan, 'x'.repeat(100), plan.length + 50)).toBeUndefined();
  });
});
