import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** docs/webhooks.md's verification function, as a receiver imports it. */
export type VerifyParley = (secret: string, rawBody: Buffer | string, headers: http.IncomingHttpHeaders, nowMs?: number) => boolean;

const DOC = fileURLToPath(new URL('../../../../docs/webhooks.md', import.meta.url));
const MARKER = '// verify-parley.mjs';

/**
 * The verification code of docs/webhooks.md, exactly as printed there (the ```js block that starts
 * with `// verify-parley.mjs`), written to a file and imported: what the tests check signatures with
 * is what the page tells receivers to run.
 */
export async function documentedVerify(): Promise<VerifyParley> {
  const blocks = [...fs.readFileSync(DOC, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const code = blocks.find((b) => b.startsWith(MARKER));
  if (!code) throw new Error(`docs/webhooks.md has no js block starting with ${MARKER}`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-verify-')), 'verify-parley.mjs');
  fs.writeFileSync(file, code);
  return ((await import(pathToFileURL(file).href)) as { verifyParley: VerifyParley }).verifyParley;
}

/** One event as the receiver got it. */
export interface ReceivedEvent {
  id: string;
  type: string;
  createdAt: number;
  data: any;
  /** Which POST brought it (0-based, counting the verified ones the receiver accepted). */
  post: number;
}

/**
 * A real webhook receiver on a free local port: every POST is checked with the documented
 * verification, and the events of those accepted are kept in arrival order. It can answer 500
 * (`failing`), hold its answers (`hold`/`release`, a slow receiver, or one cut off mid-request),
 * and go away and come back on the same port (`stop`/`start`).
 */
export class WebhookReceiver {
  readonly events: ReceivedEvent[] = [];
  /** Requests that failed verification (answered 401). */
  rejected = 0;
  /** Requests answered 500 while `failing`. */
  refused = 0;
  posts = 0;
  failing = false;
  private held: Array<() => void> | undefined;
  private server: http.Server | undefined;
  private port = 0;

  private constructor(
    private readonly secret: string,
    private readonly verify: VerifyParley,
  ) {}

  static async start(secret: string, verify: VerifyParley): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret, verify);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/parley`;
  }

  /** Requests waiting for their answer while held. */
  get waiting(): number {
    return this.held?.length ?? 0;
  }

  /** From now on, requests get no answer until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Answers every held request and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  /** The events of one type. */
  ofType(type: string): ReceivedEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  /** Stops listening and cuts every open connection: Parley's POSTs fail as against a dead receiver. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again, on the same port. */
  async resume(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    this.release();
    await this.stop();
  }

  private async listen(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method !== 'POST' || !this.verify(this.secret, raw, req.headers)) {
        this.rejected++;
        res.writeHead(401).end();
        return;
      }
      if (this.failing) {
        this.refused++;
        res.writeHead(500).end();
        return;
      }
      const post = this.posts++;
      for (const e of (JSON.parse(raw.toString()) as { events: Omit<ReceivedEvent, 'post'>[] }).events) this.events.push({ ...e, post });
      const answer = () => res.writeHead(204).end();
      if (this.held) this.held.push(answer);
      else answer();
    });
  }
}
