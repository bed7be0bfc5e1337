import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Colours on, so the NO_COLOR test can tell `color={false}` apart from a colourless terminal.
    env: { FORCE_COLOR: '1' },
    // Frames are rendered on timers (event batching, ink's throttle); on a loaded
    // 2-core CI machine a frame can land after the test looked. A retry tells a
    // slow frame from a wrong one, which still fails every attempt.
    retry: 2,
  },
});
