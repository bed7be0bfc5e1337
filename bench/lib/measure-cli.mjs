// Runs the stackfleet CLI in this process with stdout discarded, then prints
// one JSON line on stderr: exit code, in-process time and peak RSS.
import { Writable } from 'node:stream';
import { runCli } from '@stackfleet/cli';

const started = performance.now();
const sink = new Writable({ write(_chunk, _encoding, callback) { callback(); } });
const code = await runCli(process.argv.slice(2), { stdout: sink, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
const result = { code, ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 };
process.stderr.write(`${JSON.stringify(result)}\n`);
process.exit(code);
