import { describe, expect, it } from 'vitest';
import { parseCommentCommand } from './parse-comment-command.js';

describe('parseCommentCommand', () => {
  it('reads plan and apply with repeatable --stack, from the first line only', () => {
    expect(parseCommentCommand('/stackfleet plan')).toEqual({ command: 'plan', stacks: [] });
    expect(parseCommentCommand('  /stackfleet apply --stack app --stack=db\nthanks!')).toEqual({ command: 'apply', stacks: ['app', 'db'] });
  });

  it('ignores anything else', () => {
    for (const body of ['/stackfleet destroy', 'lgtm /stackfleet plan', '/stackfleet plan --auto-approve', '/stackfleet plan --stack', '/stackfleetplan', '']) {
      expect(parseCommentCommand(body)).toBeUndefined();
    }
  });
});
