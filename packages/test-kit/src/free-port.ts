import net from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now, for a server a test starts (or restarts) on a known port.
 * The benchmarks keep their own copy in the server's bench/: they run from dist and cannot import this package.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
