/**
 * Hidden markers find our comments and issues again on later runs. They hold
 * the manifest's repository-relative path, so two fleets in one repository
 * keep two comments; they never depend on the token's login (a GITHUB_TOKEN
 * cannot read `/user`).
 */
export type MarkerKind = 'plan' | 'apply' | 'drift';

export function buildMarker(kind: MarkerKind, manifestPath: string): string {
  // `--` cannot appear inside an HTML comment; paths rarely hold it, but escape it anyway.
  return `<!-- stackfleet:${kind}:${manifestPath.replaceAll('--', '-\\-')} -->`;
}

export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && body.includes(marker);
}
