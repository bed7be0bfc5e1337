/**
 * A fleet's identity in a shared store. Many fleets, and many checkouts of one
 * fleet (CI runners, laptops, workers), share one database: the identity must
 * be the same on every machine that holds the same fleet, and different for
 * two fleets — so it is built from the repository's origin and the manifest's
 * path inside it, never from a machine's absolute paths.
 */

export interface FleetIdentityInput {
  /** `settings.fleet`, which wins when set. */
  settingsFleet?: string;
  /** `git remote get-url origin` of the manifest's repository, if any. */
  originUrl?: string;
  /** The manifest's path relative to its repository root, with `/` separators. */
  manifestPathInRepo: string;
  /** Last resort when there is no origin: the repository root on this machine. */
  repoRoot: string;
}

/** `settings.fleet`, else `<origin>:<manifest path>`, else `local:<repo root>:<manifest path>`. */
export function buildFleetIdentity(input: FleetIdentityInput): string {
  if (input.settingsFleet !== undefined && input.settingsFleet !== '') return input.settingsFleet;
  const path = input.manifestPathInRepo.replaceAll('\\', '/').replace(/^\.\//, '');
  if (input.originUrl !== undefined && input.originUrl.trim() !== '') return `${normalizeOriginUrl(input.originUrl)}:${path}`;
  // Without an origin nothing names the repository across machines; this
  // identity is machine-specific (documented: set settings.fleet to share).
  return `local:${input.repoRoot}:${path}`;
}

/**
 * One spelling per repository: `git@github.com:acme/infra.git`,
 * `https://token@github.com/acme/infra` and `ssh://git@github.com/acme/infra.git/`
 * all become `github.com/acme/infra`. Credentials never survive (an origin URL
 * may carry a token).
 */
export function normalizeOriginUrl(url: string): string {
  const trimmed = url.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(trimmed);
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const withoutScheme = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    const slash = withoutScheme.indexOf('/');
    const authority = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
    host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d+$/, '');
    path = slash === -1 ? '' : withoutScheme.slice(slash + 1);
    if (/^file:/i.test(trimmed)) host = 'file';
  } else if (scp && !/^[A-Za-z]:[\\/]/.test(trimmed)) {
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  } else {
    host = 'file';
    path = trimmed;
  }
  path = path.replace(/\/+$/, '').replace(/\.git$/, '').replace(/^\/+/, '');
  return `${host.toLowerCase()}/${path}`;
}
