import { sqliteBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';

describe('dev login rate limit', () => {
  const server = useServer(sqliteBackend, { PARLEY_DEV_LOGIN_RATE_PER_SEC: '1', PARLEY_DEV_LOGIN_BURST: '3' });

  it('lets a burst through per address, then answers rate.limited (429) without creating the user', async () => {
    const t = server();
    for (let i = 0; i < 3; i++) expect((await t.http('POST', '/v1/dev/login', { body: { uid: `dl-${i}` } })).status).toBe(200);
    // One token trickles back per second, so keep asking (bounded) until the bucket is empty.
    let refused: { status: number; body: any; uid: string } | undefined;
    for (let i = 3; i < 50 && !refused; i++) {
      const res = await t.http('POST', '/v1/dev/login', { body: { uid: `dl-${i}` } });
      if (res.status !== 200) refused = { ...res, uid: `dl-${i}` };
    }
    expect(refused).toMatchObject({ status: 429, body: { code: 'rate.limited' } });
    expect(await t.storage.users.get(refused?.uid ?? '')).toBeUndefined();
  });
});
