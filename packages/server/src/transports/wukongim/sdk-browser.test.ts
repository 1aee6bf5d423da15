import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { sqliteBackend } from '@parley/test-kit/backends';
import { chromiumAvailable, launchChromium } from '@parley/test-kit/chromium';
import { eventually } from '@parley/test-kit/eventually';
import { TestServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import type { Browser } from 'playwright-core';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const available = chromiumAvailable('the WuKongIM SDK browser test');

/** A page as a WuKongIM web app writes it: the SDK's own classes, only the address and token are Parley's. */
const page = `<!doctype html><html><body><script type="module">
import { WKSDK, Channel, MessageText, ChannelTypePerson } from '/wk.js';
const q = new URLSearchParams(location.search);
const wk = WKSDK.shared();
wk.config.addr = q.get('server').replace(/^http/, 'ws') + '/v1/wukongim';
wk.config.uid = q.get('uid');
wk.config.token = q.get('token');
wk.chatManager.addMessageStatusListener((ack) => { document.body.dataset.ack = String(ack.reasonCode); });
wk.chatManager.addMessageListener((m) => { if (m.fromUID !== wk.config.uid) document.body.dataset.got = m.content.text; });
let sent = false;
wk.connectManager.addConnectStatusListener((status) => {
  document.body.dataset.status = String(status);
  if (status === 1 && !sent) {
    sent = true;
    wk.chatManager.send(new MessageText('hello from the browser'), new Channel(q.get('peer'), ChannelTypePerson));
  }
});
wk.connect();
</script></body></html>`;

describe.skipIf(!available)('wukongimjssdk 1.0.4 in a real browser (headless Chromium) against /v1/wukongim', () => {
  let t: TestServer;
  let site: http.Server;
  let browser: Browser;
  let bob: TestClient;

  beforeAll(async () => {
    // The SDK's files are ESM without extensions; a bundler (here rolldown, as a web app's would) resolves them.
    const sdkEntry = createRequire(import.meta.url).resolve('wukongimjssdk/lib/sdk.js');
    const bundle = await build({ input: sdkEntry, platform: 'browser', output: { format: 'esm' }, write: false, cwd: os.tmpdir() });
    const code = bundle.output[0].code;
    site = http.createServer((req, res) => {
      if (req.url?.startsWith('/wk.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    t = await TestServer.start(sqliteBackend);
    await t.createUsers('wb-alice', 'wb-bob');
    bob = await t.connect('wb-bob', 'node');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    site?.close();
  });

  it('connects with the handshake, sends to a JSON-gateway user and receives their answer', async () => {
    const tab = await browser.newPage();
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    const query = new URLSearchParams({ server: t.url, uid: 'wb-alice', token: await t.token('wb-alice'), peer: 'wb-bob' });
    await tab.goto(`${siteUrl}?${query}`);
    await tab.waitForFunction(() => document.body.dataset.ack === '1');
    await eventually(() => bob.eventsOf('message.new').length === 1);
    expect(bob.eventsOf('message.new')[0]).toMatchObject({ fromUid: 'wb-alice', payload: { type: 1, content: 'hello from the browser' } });
    await bob.request('message.send', {
      channelId: 'wb-alice',
      channelType: 1,
      clientMsgNo: 'wb-1',
      payload: { type: 1, content: 'hello back, browser' },
    });
    await tab.waitForFunction(() => document.body.dataset.got === 'hello back, browser');
  });
});
