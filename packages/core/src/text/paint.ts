import picocolors from 'picocolors';

/** The styles stackfleet paints with; the names are ink's (chalk's) too, so the UI passes them straight to `<Text color>`. */
export type PaintStyle =
  | 'red'
  | 'green'
  | 'yellow'
  | 'blue'
  | 'magenta'
  | 'cyan'
  | 'gray'
  | 'greenBright'
  | 'yellowBright'
  | 'blueBright'
  | 'magentaBright'
  | 'cyanBright'
  | 'bold'
  | 'dim';

/** Wraps text in ANSI colour codes, or returns it unchanged when colours are off. */
export type Painter = (style: PaintStyle | undefined, text: string) => string;

/**
 * The one ANSI painter. Whether colours are on (`NO_COLOR`, `--no-color`, a
 * TTY) is the caller's decision, passed in: core reads no environment.
 * picocolors' `createColors(enabled)` takes exactly that switch; `node:util`
 * `styleText` would need Node 20.12+ and, from Node 22, checks the stream itself.
 */
export function createPainter(enabled: boolean): Painter {
  const colors = enabled ? colorsOn : colorsOff;
  return (style, text) => (style === undefined || text === '' ? text : colors[style](text));
}

// Built once: the UI paints every finished stack's line.
const colorsOn = picocolors.createColors(true);
const colorsOff = picocolors.createColors(false);
