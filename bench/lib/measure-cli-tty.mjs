// Runs the stackfleet CLI in this process as if in an 80x24... (here 120x40)
// terminal: stdout and stdin claim to be TTYs, so run commands show the ink
// live run view. Output is discarded; prints one JSON line on stderr.
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '@stackfleet/cli';

let bytes = 0;
const stdout = Object.assign(
  new Writable({
    write(chunk, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  }),
  { isTTY: true, columns: 120, rows: 40 },
);
const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
const env = { ...process.env };
delete env.CI;
const started = performance.now();
const code = await runCli(process.argv.slice(2), { stdout, stderr: process.stderr, stdin, env, cwd: process.cwd() });
const result = { code, ms: performance.now() - started, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 };
process.stderr.write(`${JSON.stringify(result)}\n`);
process.exit(code);
