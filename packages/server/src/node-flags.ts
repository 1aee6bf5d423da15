/**
 * The V8 flags Parley's start command gives Node: `npm start` (package.json) passes them, and the
 * benchmarks start the server with them, so that what is measured is what runs (a unit test keeps
 * the two in step). The `parley-server` binary keeps a plain `#!/usr/bin/env node` line, which every
 * platform and package manager runs (`env -S` is not everywhere): started that way, the flags go in
 * `NODE_OPTIONS` (docs/operations.md).
 *
 * `--max-semi-space-size=64` (MiB; Node 20's default is 16): a send allocates a few kilobytes of
 * short-lived objects (frames, promises, rows), and with the default young generation the server spent
 * 15-19 % of its CPU in scavenges. With 64 MiB, six alternating pairs of `npm run bench -- --only send`
 * measured 9-31 % less server CPU per message on SQLite and 9-18 % on PostgreSQL (BENCHMARKS.md), for up
 * to about 100 MiB more resident memory under load (docs/operations.md says how to run without it).
 *
 * `--no-allocation-site-pretenuring`: see v8-runtime-flags.ts, which also sets it at start for the
 * binary, since `NODE_OPTIONS` refuses it. Where Parley builds the command line, it goes there too: the
 * command line is where Node advises V8 flags to be set.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'];
