// Runs the CLI exactly as bin/migratelint.js does, then prints its own peak RSS as
// one JSON line on stderr for the benchmarks to read.
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
process.stderr.write(JSON.stringify({ code, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
