import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sqliteBackend } from '@parley/test-kit/backends';
import { chromiumAvailable, launchChromium } from '@parley/test-kit/chromium';
import { eventually } from '@parley/test-kit/eventually';
import { TestServer } from '@parley/test-kit/server';
import type { Browser } from 'playwright-core';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type LocalMessage, type ParleyClient } from './index.js';

const available = chromiumAvailable("the SDK's browser test");

/** The README's browser quick start, as written. */
const page = fs.readFileSync(path.resolve(import.meta.dirname, '../examples/browser.html'), 'utf8');

describe.skipIf(!available)('@parley/client in a real browser (headless Chromium)', () => {
  let t: TestServer;
  let site: http.Server;
  let browser: Browser;
  let bob: ParleyClient;

  beforeAll(async () => {
    const bundle = await build({
      input: path.resolve(import.meta.dirname, '../dist/index.js'),
      platform: 'browser',
      external: ['ws'],
      output: { format: 'esm', minify: true },
      write: false,
    });
    const code = bundle.output[0].code;
    site = http.createServer((req, res) => {
      if (req.url?.startsWith('/parley-client.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    t = await TestServer.start(sqliteBackend);
    await t.createUsers('alice', 'bob');
    bob = await connect({ url: t.url, token: await t.token('bob'), deviceId: 'node' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    bob?.close();
    await t?.close();
    site?.close();
  });

  it('connects, sends and receives from a browser page', async () => {
    const received: LocalMessage[] = [];
    bob.messages.onNewMessage.add('t', (m) => received.push(m));
    const tab = await browser.newPage();
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    await tab.goto(`${siteUrl}?server=${encodeURIComponent(t.url)}&token=${encodeURIComponent(await t.token('alice'))}`);
    await tab.waitForFunction(() => document.body.dataset.sent === 'success');
    await eventually(() => received.length > 0);
    expect(received.map((m) => (m.payload as { content?: string }).content)).toEqual(['hello from the browser']);
    await bob.messages.sendText({ channelId: 'alice', channelType: 1 }, 'hello back, browser');
    await tab.waitForFunction(() => document.body.dataset.got === 'hello back, browser');
  });
});
