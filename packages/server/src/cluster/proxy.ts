import net from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * A round-robin TCP proxy, for trying the cluster through one URL: each new connection goes to the
 * next node, or the one after if that node refuses it. It does not parse HTTP, so a WebSocket upgrade
 * passes through, and keep-alive requests stay on the node their connection reached. For trying
 * only: no health checks, no timeouts, no limits; in production use a real load balancer (see
 * docs/scale-out.md).
 */
export function startProxy(host: string, port: number, targets: readonly ProxyTarget[]): Promise<net.Server> {
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    client.on('error', () => {});
    const first = next++ % targets.length;
    const attempt = (tried: number) => {
      if (tried === targets.length) {
        client.destroy();
        return;
      }
      const target = targets[(first + tried) % targets.length] as ProxyTarget;
      const upstream = net.connect(target.port, target.host);
      upstream.once('error', () => {
        // Refused before anything was sent: this node is down, try the next one.
        if (!upstream.bytesWritten && !upstream.bytesRead) attempt(tried + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      client.once('close', () => upstream.destroy());
    };
    attempt(0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
