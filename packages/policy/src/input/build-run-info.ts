import { includesLogin } from '../evaluate/same-login.js';
import type { PolicyActor, PolicyRunInfo } from './types.js';

export interface RunInfoOptions {
  id: string;
  command: PolicyRunInfo['command'];
  /** `--run-type`; default: proposed on a plan, tracked on apply/destroy, drift on drift. */
  type?: PolicyRunInfo['type'];
  /** The orchestrator's environment (read for the actor). */
  env: Readonly<Record<string, string | undefined>>;
  /** `git config user.email`, when git has one. */
  gitEmail?: string;
  /** `user@host` of this process: the last resort. */
  userAtHost: string;
  /** The manifest's `teams: { NAME: [login...] }`. */
  teams?: Readonly<Record<string, readonly string[]>>;
  branch?: string | null;
  commit?: string | null;
  pr?: number;
  plannedBy?: PolicyActor;
}

const DEFAULT_TYPES: Record<PolicyRunInfo['command'], PolicyRunInfo['type']> = {
  plan: 'proposed',
  apply: 'tracked',
  destroy: 'tracked',
  drift: 'drift',
};

/** `input.run`: the run, and who runs it. */
export function buildRunInfo(options: RunInfoOptions): PolicyRunInfo {
  return {
    id: options.id,
    command: options.command,
    type: options.type ?? DEFAULT_TYPES[options.command],
    actor: resolveActor(options.env, options.gitEmail, options.userAtHost, options.teams),
    branch: options.branch ?? null,
    commit: options.commit ?? null,
    ...(options.pr === undefined ? {} : { pr: options.pr }),
    ...(options.plannedBy === undefined ? {} : { plannedBy: options.plannedBy }),
  };
}

/** The environment variables that name the actor, in the order `resolveActor` asks them. */
const ACTOR_VARIABLES = ['STACKFLEET_ACTOR', 'GITHUB_ACTOR', 'GITLAB_USER_LOGIN'] as const;

/** Whether `resolveActor` would fall back to git's email: no variable of `env` names the actor (then git need not be asked). */
export function needsGitEmail(env: Readonly<Record<string, string | undefined>>): boolean {
  return ACTOR_VARIABLES.every((name) => (env[name]?.trim() ?? '') === '');
}

/**
 * The actor: `STACKFLEET_ACTOR`, else the CI's (`GITHUB_ACTOR`,
 * `GITLAB_USER_LOGIN`), else `git config user.email`, else `user@host`;
 * `source` names which. Teams come from the manifest (always a list; the
 * login matched there without regard to case).
 */
export function resolveActor(
  env: Readonly<Record<string, string | undefined>>,
  gitEmail: string | undefined,
  userAtHost: string,
  teams: Readonly<Record<string, readonly string[]>> = {},
): PolicyActor {
  const candidates: [string, string | undefined, string | undefined][] = [
    ...ACTOR_VARIABLES.map((variable): [string, string | undefined, string | undefined] => [
      variable,
      env[variable],
      variable === 'GITLAB_USER_LOGIN' ? env['GITLAB_USER_NAME'] : undefined,
    ]),
    ['git', gitEmail, undefined],
  ];
  const [source, login, name] = candidates.find(([, value]) => value !== undefined && value.trim() !== '') ?? ['user@host', userAtHost, undefined];
  const actorLogin = login!.trim();
  return {
    login: actorLogin,
    name: name?.trim() || actorLogin,
    source,
    teams: Object.keys(teams)
      .filter((team) => includesLogin(teams[team]!, actorLogin))
      .sort(),
  };
}
