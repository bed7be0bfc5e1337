/** Replaces secret values with `***` in text we are about to write anywhere. */
export interface Masker {
  /** Adds more values to hide (e.g. sensitive outputs learned during the run). */
  add(values: Iterable<string>): void;
  mask(text: string): string;
}

export const MASK = '***';

/**
 * Values shorter than this are not masked: hiding every `1` or `on` would
 * make logs unreadable. A secret this short is refused before the run
 * starts (`E_SECRET_TOO_SHORT`); a line this short inside a multi-line
 * secret (a PEM key's last `==`) reveals at most two characters.
 */
export const MIN_SECRET_LENGTH = 3;

/** Longer values are replaced by plain search, not inside the one regular expression. */
const MAX_PATTERN_VALUE_LENGTH = 1024;

/**
 * Builds a masker over `secrets`. Besides each value it hides each line of a
 * multi-line value (logs arrive line by line) and the JSON-escaped form (as
 * it appears in `terraform show -json`, NDJSON events and stored JSON).
 * Longer values are replaced first so a secret containing another one is
 * hidden whole.
 */
export function createMasker(secrets: Iterable<string> = []): Masker {
  const values = new Set<string>();
  let pattern: RegExp | undefined;
  // Values too long for one regular expression (V8 refuses a pattern past a
  // size limit: a 300 kB sensitive output did), longest first.
  let long: string[] = [];

  const remember = (value: string): void => {
    if (value.trim().length >= MIN_SECRET_LENGTH) values.add(value);
  };
  const masker: Masker = {
    add(more) {
      const before = values.size;
      for (const value of more) {
        // Each line also trimmed: tools re-indent what they print.
        for (const form of [value, ...value.split(/\r?\n/).flatMap((line) => [line, line.trim()])]) {
          remember(form);
          remember(JSON.stringify(form).slice(1, -1));
        }
      }
      // Called for every stack's upstream and applied outputs, mostly with nothing new: keep the pattern.
      if (values.size === before) return;
      const short = new Set([...values].filter((value) => value.length <= MAX_PATTERN_VALUE_LENGTH));
      long = [...values].filter((value) => value.length > MAX_PATTERN_VALUE_LENGTH).sort((a, b) => b.length - a.length);
      pattern = short.size === 0 ? undefined : buildPattern(short);
    },
    mask(text) {
      let masked = text;
      for (const value of long) if (masked.includes(value)) masked = masked.split(value).join(MASK);
      return pattern === undefined ? masked : masked.replace(pattern, MASK);
    },
  };
  masker.add(secrets);
  return masker;
}

function buildPattern(values: Set<string>): RegExp {
  const sorted = [...values].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
