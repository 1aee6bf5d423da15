import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromiumAvailable, launchChromium } from '@parley/test-kit/chromium';
import type { Browser, Page } from 'playwright-core';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeContract } from './store.contract.js';

const available = chromiumAvailable("the SDK's IndexedDB store test");

/** The contract's cases and IndexedDbStore, bundled for the page: `window.runCase(name)` runs one there. */
const ENTRY = `
import { storeContract } from ${JSON.stringify(path.resolve(import.meta.dirname, 'store.contract.ts'))};
import { IndexedDbStore } from ${JSON.stringify(path.resolve(import.meta.dirname, 'indexeddb-store.ts'))};
// Each uid is a database of its own; reopen is a new store (a new connection) on the same database.
const subject = { open: async (uid) => new IndexedDbStore(uid), reopen: async (uid) => new IndexedDbStore(uid) };
window.runCase = async (name) => {
  const c = storeContract.find((x) => x.name === name);
  await c.run(subject);
};
`;

describe.skipIf(!available)('store contract: IndexedDbStore (headless Chromium)', () => {
  let site: http.Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const bundle = await build({
      input: 'contract-entry',
      platform: 'browser',
      plugins: [
        { name: 'entry', resolveId: (id) => (id === 'contract-entry' ? id : null), load: (id) => (id === 'contract-entry' ? ENTRY : null) },
      ],
      output: { format: 'esm' },
      write: false,
    });
    const code = bundle.output[0].code;
    site = http.createServer((req, res) => {
      if (req.url === '/contract.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/contract.js"></script>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'runCase' in window);
  });
  afterAll(async () => {
    await browser?.close();
    site?.close();
  });

  for (const c of storeContract) {
    it(c.name, async () => {
      // The case's error, thrown in the page, comes back as this rejection's message.
      await expect(
        page.evaluate((name) => (window as unknown as { runCase(n: string): Promise<void> }).runCase(name), c.name),
      ).resolves.toBeUndefined();
    });
  }
});
