#!/usr/bin/env node
import { runCli } from './cli/main.js';

/** The `parley` operator CLI (docs/administration.md, "The operator CLI"). */
const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exit(code);
