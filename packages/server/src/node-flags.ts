/**
 * The V8 flags Parley's start commands give Node: `npm start` (package.json) and the `parley-server`
 * binary (main.ts's first line) pass them, and the benchmarks start the server with them, so that
 * what is measured is what runs. A unit test keeps the three in step.
 *
 * `--max-semi-space-size=64` (MiB; Node 20's default is 16): a send allocates a few kilobytes of
 * short-lived objects (frames, promises, rows), and with the default young generation the server spent
 * 15-19 % of its CPU in scavenges. With 64 MiB, three alternating pairs of `npm run bench -- --only send`
 * measured 17-31 % less server CPU per message on SQLite and 8-13 % on PostgreSQL (BENCHMARKS.md), for up
 * to about 100 MiB more resident memory under load (docs/operations.md says how to run without it).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
