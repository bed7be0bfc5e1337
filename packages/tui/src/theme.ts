/**
 * Colours on or off for the whole UI. chalk (used by ink) honours FORCE_COLOR and
 * `--no-color` but not NO_COLOR, so the CLI decides and passes `color` down.
 */
import { createContext, useContext } from 'react';

export const ColorContext = createContext(true);

/** Returns a function that keeps an ink colour name only when colours are on. */
export function useColor(): (name: string | undefined) => string | undefined {
  const enabled = useContext(ColorContext);
  return (name) => (enabled ? name : undefined);
}
