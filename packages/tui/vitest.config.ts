import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Colours on, so the NO_COLOR test can tell `color={false}` apart from a colourless terminal.
    env: { FORCE_COLOR: '1' },
  },
});
