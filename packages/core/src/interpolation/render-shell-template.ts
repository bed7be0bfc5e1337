import { parseTemplate } from './parse-template.js';
import { resolveTemplatePart, stringifyValue, type TemplateScope } from './render-template.js';

/** A shell command whose `${{ ... }}` values travel as environment variables. */
export interface ShellTemplate {
  command: string;
  env: Record<string, string>;
}

type QuoteState = 'none' | 'single' | 'double';

/**
 * Renders a hook's command line without ever splicing a value into it: each
 * `${{ ... }}` becomes a parameter expansion of a fresh environment variable
 * (`STACKFLEET_VALUE_1`, ...) that carries the value. The shell never parses
 * an expansion's result as code, so an upstream output `web-$(touch x)` is
 * passed as that text and never runs. The expansion is written for where the
 * expression stands, so the value stays one word: `"${V}"` outside quotes,
 * `${V}` inside double quotes, `'"${V}"'` inside single quotes (close, expand,
 * reopen).
 *
 * @param nextName gives the variable for the next value (unique per stack).
 */
export function renderShellTemplate(text: string, scope: TemplateScope, nextName: () => string): ShellTemplate {
  const env: Record<string, string> = {};
  let command = '';
  let state: QuoteState = 'none';
  for (const part of parseTemplate(text)) {
    if (part.kind === 'text') {
      command += part.text;
      state = trackQuotes(part.text, state);
      continue;
    }
    const name = nextName();
    env[name] = stringifyValue(resolveTemplatePart(part, scope));
    command += state === 'none' ? `"\${${name}}"` : state === 'double' ? `\${${name}}` : `'"\${${name}}"'`;
  }
  return { command, env };
}

/**
 * The quoting in effect after `text`, starting in `state`. Enough of sh's
 * rules for where a value lands; where it guesses wrong (inside `$( ... )`
 * nested in quotes) the value may be split into words, never executed.
 */
function trackQuotes(text: string, start: QuoteState): QuoteState {
  let state = start;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (state === 'single') {
      if (char === "'") state = 'none';
    } else if (char === '\\') {
      index += 1; // an escaped character does not open or close anything
    } else if (state === 'double') {
      if (char === '"') state = 'none';
    } else if (char === "'") {
      state = 'single';
    } else if (char === '"') {
      state = 'double';
    }
  }
  return state;
}
