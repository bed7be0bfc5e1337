import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { parseManifest } from '../parse-manifest.js';

describe('validateRepoRefs', () => {
  it('refuses a ref on a local-path repo, at the ref, and accepts it on git URLs', () => {
    const text = [
      'version: 1',
      'repos:',
      '  lr: { url: ../localrepo, ref: v1 }',
      '  remote: { url: "file:///srv/git/remote.git", ref: v1 }',
      '  scp: { url: "git@github.com:acme/x.git", ref: main }',
      '  plain: { url: ../plain }',
      'stacks: {}',
      '',
    ].join('\n');
    let error: unknown;
    try {
      parseManifest(text, 'stacks.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).format()).toBe(
      'stacks.yaml:3:33 repos.lr.ref: ref "v1" on local repo lr (../localrepo) is not supported: a local repo is used as its working tree is\n' +
      '  hint: check out v1 in ../localrepo yourself and remove the ref, or use a git URL (file://...) to have stackfleet check out v1',
    );
  });
});
