import { describe, expect, it } from 'vitest';
import { renderShellTemplate } from './render-shell-template.js';
import type { TemplateScope } from './render-template.js';

const scope: TemplateScope = {
  vars: { region: 'eu-west-1', list: [1, 2] },
  env: { HOME_DIR: '/home/x' },
  outputs: () => ({ url: 'web-$(touch ../pwned)' }),
  stackName: 'app',
};

function render(text: string) {
  let count = 0;
  return renderShellTemplate(text, scope, () => `V${(count += 1)}`);
}

describe('renderShellTemplate', () => {
  it('replaces each expression by a variable, quoted for where it stands', () => {
    expect(render(`./notify.sh \${{ stacks.web.outputs.url }} "at \${{ vars.region }}" 'in \${{ stack.name }}'`)).toEqual({
      command: `./notify.sh "\${V1}" "at \${V2}" 'in '"\${V3}"''`,
      env: { V1: 'web-$(touch ../pwned)', V2: 'eu-west-1', V3: 'app' },
    });
  });

  it('follows escapes and quotes across the text, and JSON-encodes non-strings', () => {
    expect(render(`echo \\" \${{ vars.list }} "it's \\" \${{ env.HOME_DIR }}"`)).toEqual({
      command: `echo \\" "\${V1}" "it's \\" \${V2}"`,
      env: { V1: '[1,2]', V2: '/home/x' },
    });
  });

  it('leaves a command without expressions as it is', () => {
    expect(render('tflint --init && echo "$$${{ x"')).toEqual({ command: 'tflint --init && echo "$${{ x"', env: {} });
  });
});
