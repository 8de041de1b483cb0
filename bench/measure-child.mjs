// Runs the CLI exactly as bin/migratelint.js does (same V8 flags, same exit), then
// prints its own peak RSS as one JSON line on stderr for the benchmarks to read.
import '../bin/v8-flags.js';

const { main } = await import('../dist/bundle/cli.js');
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
process.stderr.write(JSON.stringify({ code, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
