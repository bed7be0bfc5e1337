import { useInput, type Key } from 'ink';
import { createContext, useContext, useRef, type ReactNode } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

type HandlerSlot = { current: KeyHandler | undefined };

const KeyRouterContext = createContext<HandlerSlot | undefined>(undefined);

/**
 * One stdin listener for the whole app, dispatching to the screen rendered last.
 * ink's `useInput` subscribes in a passive effect, which can run after the next key
 * has already arrived: a key pressed right after opening a screen would go to the
 * screen underneath. Registering during render closes that gap.
 */
export function KeyRouter(props: { children: ReactNode }): React.JSX.Element {
  const slot = useRef<KeyHandler | undefined>(undefined);
  useInput((input, key) => {
    // Keys typed faster than stdin is read (or sent by tmux/paste) arrive as one
    // chunk: "/da". Dispatch them one by one so each is its own keystroke.
    const chars = [...input];
    if (chars.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001b')) {
      for (const char of chars) {
        const split = splitKey(char, key);
        slot.current?.(split.input, split.key);
      }
      return;
    }
    slot.current?.(input, key);
  });
  return <KeyRouterContext.Provider value={slot}>{props.children}</KeyRouterContext.Provider>;
}

/**
 * One character of a chunk as ink would have reported it alone: the chunk's key
 * flags describe the whole chunk (Enter then Space sent together, "\r ", is
 * neither `return` nor text), so each control character gets its own flags.
 */
function splitKey(char: string, chunkKey: Key): { input: string; key: Key } {
  const key: Key = { ...chunkKey, return: false, tab: false, backspace: false, delete: false, shift: char !== char.toLowerCase() };
  if (char === '\r') return { input: '', key: { ...key, return: true } };
  if (char === '\t') return { input: '', key: { ...key, tab: true } };
  if (char === '\b') return { input: '', key: { ...key, backspace: true } };
  if (char === '\u007f') return { input: '', key: { ...key, delete: true } };
  return { input: char, key };
}

/**
 * Handles keys while `active`. Inside a {@link KeyRouter} the most recently rendered
 * active component gets them; without one this is ink's `useInput`.
 */
export function useKeys(handler: KeyHandler, active = true): void {
  const slot = useContext(KeyRouterContext);
  if (slot && active) slot.current = handler;
  useInput(handler, { isActive: active && slot === undefined });
}
