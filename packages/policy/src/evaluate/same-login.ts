/**
 * Logins are compared without regard to case: GitHub logins and email
 * addresses are case-insensitive, so `Alice` is `alice` (she may not approve
 * her own run as `Alice`, and `Bob` and `bob` are one approver). A login is
 * always shown as it was given; only comparisons go through here.
 */
export function toLoginKey(login: string): string {
  return login.toLowerCase();
}

/** Whether two logins name the same person (see `toLoginKey`). */
export function isSameLogin(left: string, right: string): boolean {
  return toLoginKey(left) === toLoginKey(right);
}

/** Whether `logins` (a `teams:` entry, `approvers`) holds `login` (see `toLoginKey`). */
export function includesLogin(logins: readonly string[], login: string): boolean {
  const key = toLoginKey(login);
  return logins.some((entry) => toLoginKey(entry) === key);
}
