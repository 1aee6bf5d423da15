import { sqliteBackend } from '@parley/test-kit/backends';
import { type TestServer, useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const SECRET = 'a-production-secret-that-is-long-enough-0123456789';

/** Opens the socket with the given Origin (or none) and reports the upgrade's outcome. */
function tryOrigin(t: TestServer, origin: string | undefined): Promise<{ opened: boolean; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(t.wsUrl, origin === undefined ? {} : { origin });
    ws.on('open', () => {
      ws.terminate();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode, body }));
    });
    ws.on('error', () => {});
  });
}

describe('WebSocket Origin policy in production', () => {
  const server = useServer(sqliteBackend, {
    PARLEY_MODE: 'production',
    PARLEY_APP_SECRET: SECRET,
    PARLEY_ALLOWED_ORIGINS: 'https://chat.example.com, http://localhost:5173',
  });

  it('allows no Origin (apps, servers), the server itself and the listed origins', async () => {
    const t = server();
    const self = `http://127.0.0.1:${t.server.port}`;
    for (const origin of [undefined, self, 'https://chat.example.com', 'http://localhost:5173']) {
      expect(await tryOrigin(t, origin), String(origin)).toEqual({ opened: true });
    }
  });

  it('refuses any other browser origin with 403 origin.forbidden before the upgrade', async () => {
    const t = server();
    for (const origin of ['https://evil.example', 'null', 'https://chat.example.com.evil.example', 'http://chat.example.com']) {
      const result = await tryOrigin(t, origin);
      expect(result.status, origin).toBe(403);
      expect(JSON.parse(result.body ?? '{}')).toMatchObject({ code: 'origin.forbidden' });
    }
  });
});

describe('WebSocket Origin policy in development', () => {
  const server = useServer(sqliteBackend);

  it('allows any origin unless PARLEY_ALLOWED_ORIGINS says otherwise', async () => {
    expect(await tryOrigin(server(), 'https://anything.example')).toEqual({ opened: true });
  });
});
