/**
 * The servers a client may connect to: one URL (a single server, or a load balancer in front of
 * several nodes) or the list of a cluster's nodes. Any node accepts any client, so after a failed
 * connect or a dropped connection the client simply moves on to the next one, in list order and
 * round again. With one URL there is nothing to move to: it stays.
 */
export class ServerUrls {
  private readonly urls: readonly string[];
  private index = 0;

  constructor(url: string | readonly string[]) {
    const list = (typeof url === 'string' ? [url] : [...url]).map((u) => u.replace(/\/+$/, ''));
    if (list.length === 0) throw new TypeError('url: give at least one server URL');
    this.urls = list;
  }

  get count(): number {
    return this.urls.length;
  }

  /** The base URL of the server connected to, or being dialled: where REST calls (uploads) go too. */
  get current(): string {
    return this.urls[this.index] as string;
  }

  /** The WebSocket endpoint of `current`. */
  get webSocket(): string {
    return `${this.current.replace(/^http/, 'ws')}/v1/ws`;
  }

  /** The next server in the list, after the last the first. */
  next(): void {
    this.index = (this.index + 1) % this.urls.length;
  }
}
