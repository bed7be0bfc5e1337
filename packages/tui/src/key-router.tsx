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
      for (const char of chars) slot.current?.(char, { ...key, shift: char !== char.toLowerCase() });
      return;
    }
    slot.current?.(input, key);
  });
  return <KeyRouterContext.Provider value={slot}>{props.children}</KeyRouterContext.Provider>;
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
