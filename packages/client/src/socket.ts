/** The few members of a WebSocket the SDK uses: the browser's, or `ws` in Node. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** The platform's WebSocket: the global one (browsers, Node 22+), else the `ws` package (Node 20). */
export async function defaultSocketFactory(): Promise<SocketFactory> {
  const Global = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (Global) return (url) => new Global(url);
  const name = 'ws';
  const mod = (await import(/* @vite-ignore */ name)) as { default: new (url: string) => SocketLike };
  return (url) => new mod.default(url);
}
