import { describe, expect, it } from 'vitest';
import { buildFleetIdentity, normalizeOriginUrl } from './fleet-identity.js';

describe('normalizeOriginUrl', () => {
  it.each([
    ['git@github.com:acme/infra.git', 'github.com/acme/infra'],
    ['https://github.com/acme/infra', 'github.com/acme/infra'],
    ['https://x-access-token:ghs_secret@github.com/acme/infra.git', 'github.com/acme/infra'],
    ['ssh://git@GitHub.com:22/acme/infra.git/', 'github.com/acme/infra'],
    ['file:///srv/git/infra.git', 'file/srv/git/infra'],
    ['/srv/git/infra', 'file/srv/git/infra'],
  ])('%s -> %s', (url, expected) => {
    expect(normalizeOriginUrl(url)).toBe(expected);
  });

  it('never keeps credentials', () => {
    expect(normalizeOriginUrl('https://user:p4ss@example.com/a/b.git')).not.toContain('p4ss');
  });
});

describe('buildFleetIdentity', () => {
  it('prefers settings.fleet', () => {
    expect(buildFleetIdentity({ settingsFleet: 'payments', originUrl: 'git@github.com:a/b.git', manifestPathInRepo: 'stacks.yaml', repoRoot: '/r' })).toBe('payments');
  });

  it('is the same for two checkouts of one repository and differs per manifest', () => {
    const ci = buildFleetIdentity({ originUrl: 'https://github.com/acme/infra.git', manifestPathInRepo: 'prod/stacks.yaml', repoRoot: '/runner/work/infra' });
    const laptop = buildFleetIdentity({ originUrl: 'git@github.com:acme/infra.git', manifestPathInRepo: 'prod/stacks.yaml', repoRoot: '/home/ada/infra' });
    const other = buildFleetIdentity({ originUrl: 'git@github.com:acme/infra.git', manifestPathInRepo: 'staging/stacks.yaml', repoRoot: '/home/ada/infra' });
    expect(ci).toBe('github.com/acme/infra:prod/stacks.yaml');
    expect(laptop).toBe(ci);
    expect(other).not.toBe(ci);
  });

  it('falls back to the local repository root without an origin', () => {
    expect(buildFleetIdentity({ manifestPathInRepo: './stacks.yaml', repoRoot: '/work/fleet' })).toBe('local:/work/fleet:stacks.yaml');
  });
});
