#!/usr/bin/env node
// Imported first: the flags must be set before any of our code is compiled.
import './v8-flags.js';
import fs from 'node:fs';

// The CLI as one bundle (scripts/bundle.mjs) when it was built: loading dist/src's modules
// one by one costs start-up time. A checkout built with tsc alone (the GitHub Action) runs those.
const bundle = new URL('../dist/bundle/cli.js', import.meta.url);
const { main } = await import(fs.existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
// Exit as soon as the output is flushed rather than when the event loop drains: nothing
// is left to do, and V8 would otherwise finish background compile jobs first.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
