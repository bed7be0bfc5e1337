import { describe, expect, it } from 'vitest';
import { parseManifest } from './parse-manifest.js';
import { collectLabelWarnings } from './collect-label-warnings.js';

describe('collectLabelWarnings', () => {
  it('names limits and attachTo labels that no stack carries, with a did-you-mean', () => {
    const { manifest } = parseManifest(
      [
        'version: 1',
        'settings: { limits: { prd: 1, core: 2 } }',
        'contexts:',
        '  all: { attachTo: { labels: ["*"] } }',
        '  aws: { attachTo: { labels: [prod, stagin] } }',
        'stacks:',
        '  a: { path: a, labels: [prod, core, staging] }',
      ].join('\n'),
      'stacks.yaml',
    );
    expect(collectLabelWarnings(manifest)).toEqual([
      'settings.limits: no stack carries label "prd" (did you mean "prod"?)',
      'contexts.aws.attachTo: no stack carries label "stagin" (did you mean "staging"?)',
    ]);
  });
});
