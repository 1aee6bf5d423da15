/**
 * A TCP port free on 127.0.0.1 right now, for a server a test starts (or restarts) on a known port.
 * One copy, the benchmarks': they run from dist and cannot import this package, while the kit can
 * import the server's source.
 */
export { freePort } from '../../server/src/bench/child-process.js';
