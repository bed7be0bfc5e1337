import { hasTemplate } from '../../interpolation/parse-template.js';
import type { ManifestRule } from './rule-context.js';

/**
 * `settings.state.url` written out (not read from the environment) must name
 * a PostgreSQL database: caught by `validate`, not at the first command that
 * opens the store. Its password, if any, is never quoted.
 */
export const validateStateUrl: ManifestRule = (context) => {
  const url = context.manifest.settings.stateUrl;
  if (url === undefined || hasTemplate(url) || /^postgres(ql)?:\/\//i.test(url)) return [];
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  const location = context.locate('settings.state.url');
  return [
    {
      code: 'E_STATE_URL',
      message: `must be a postgres:// or postgresql:// URL${scheme ? `, got a ${scheme}: URL` : ''}`,
      hint: 'write "${{ env.STACKFLEET_DB }}" to read it from the environment (no password in stacks.yaml), or remove settings.state to use the embedded store',
      keyPath: 'settings.state.url',
      ...(location ? { location } : {}),
    },
  ];
};
