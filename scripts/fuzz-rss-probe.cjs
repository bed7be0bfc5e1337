// Preloaded (`node --require`) into the `stackfleet validate` processes that
// scripts/fuzz.mjs starts: writes the process's peak RSS (KB) where it is told.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.STACKFLEET_FUZZ_RSS_FILE, String(process.resourceUsage().maxRSS));
});
