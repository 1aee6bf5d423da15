#!/usr/bin/env node
import { runCli } from './parley.js';

runCli(process.argv.slice(2), { say: (line) => console.log(line), env: process.env }).then(
  (code) => process.exit(code),
  (err) => {
    console.error('parley: failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
