import { sqliteBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';
import { methods } from './methods.js';

/** Every WebSocket method, fed params of the wrong shape: the documented error, nothing stored, still up. */
describe('bad params on every WebSocket method', () => {
  const server = useServer(sqliteBackend);
  const names = Object.keys(methods);

  it.each(names)('%s: wrong-typed params -> request.invalid, nothing changed', async (method) => {
    const t = server();
    if (!(await t.storage.users.get('wsb-a'))) await t.createUsers('wsb-a');
    const client = await t.connect('wsb-a', `bad-${method}`);
    const before = await t.rowCounts();
    for (const params of [[1, 2, 3], 'text', 42, { surprise: { nested: [true] } }]) {
      await expect(client.request(method, params), JSON.stringify(params)).rejects.toMatchObject({ code: 'request.invalid' });
    }
    expect(await t.rowCounts()).toEqual(before);
    expect(await client.request('ping')).toHaveProperty('pong');
    await client.close();
  });
});

describe('method names inherited from Object', () => {
  const server = useServer(sqliteBackend);

  it('are unknown methods, answered method.unknown, and the connection stays usable', async () => {
    const t = server();
    if (!(await t.storage.users.get('wsb-o'))) await t.createUsers('wsb-o');
    const client = await t.connect('wsb-o');
    const inherited = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
    for (const method of inherited) {
      await expect(client.request(method, {}), method).rejects.toMatchObject({ code: 'method.unknown' });
    }
    expect(await client.request('ping')).toHaveProperty('pong');
  });
});
