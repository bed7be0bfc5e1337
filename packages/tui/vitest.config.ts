import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Colours on, so the NO_COLOR test can tell `color={false}` apart from a colourless terminal.
    // CI=false: ink draws nothing but the last frame when it thinks it runs in CI
    // (is-in-ci reads CI when ink loads), and these tests look at live frames.
    env: { FORCE_COLOR: '1', CI: 'false' },
    // Frames are rendered on timers (event batching, ink's throttle); on a loaded
    // 2-core CI machine a frame can land after the test looked. A retry tells a
    // slow frame from a wrong one, which still fails every attempt.
    retry: 2,
  },
});
