import net from 'node:net';

/**
 * The reading side of the write-ceiling bench: opens `count` TCP connections to `port` and reads
 * and drops everything, as cheaply as a reader can. Prints `ready` once all are open; exits when
 * its stdin closes. Usage: node drain-sockets.js <port> <count>
 */
const [port, count] = process.argv.slice(2).map(Number) as [number, number];
let open = 0;
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, '127.0.0.1', () => {
    if (++open === count) process.stdout.write('ready\n');
  });
  socket.on('data', () => {});
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
