import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqliteBackend } from '@parley/test-kit/backends';
import { chromiumAvailable, launchChromium } from '@parley/test-kit/chromium';
import { TestServer } from '@parley/test-kit/server';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export const available = chromiumAvailable("the web app's browser tests");

/** Screenshots of the main screens, kept after the run (test-artifacts/ is not committed). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts/web');

const WEB_ROOT = path.resolve(import.meta.dirname, '..');

/** Builds the app as `npm start` does, into a folder of its own, so the test always runs the current source. */
export async function buildWebApp(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: WEB_ROOT,
      configFile: path.join(WEB_ROOT, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

export async function startServer(webDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  return TestServer.start(sqliteBackend, { PARLEY_WEB_DIR: webDir, ...env });
}

export type Setup = (context: BrowserContext) => Promise<void>;

/** A browser window of one user: its own context (storage, cookies), so two windows are two people. */
export class Window {
  readonly errors: string[] = [];
  private readonly allowed: RegExp[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (e) => this.errors.push(e.message));
    // Chromium logs a refused WebSocket dial as an error; while the server is away that is expected, not a bug.
    page.on('console', (m) => m.type() === 'error' && !/^WebSocket connection to .* failed/.test(m.text()) && this.errors.push(m.text()));
  }

  /** `setup` runs on the new context before the page loads (permissions, init scripts). */
  static async open(browser: Browser, url: string, viewport = { width: 1100, height: 720 }, setup?: Setup): Promise<Window> {
    const context = await browser.newContext({ viewport });
    await setup?.(context);
    const w = new Window(context, await context.newPage());
    await w.page.goto(url);
    return w;
  }

  static async signIn(
    browser: Browser,
    url: string,
    uid: string,
    viewport?: { width: number; height: number },
    setup?: Setup,
  ): Promise<Window> {
    const w = await Window.open(browser, url, viewport, setup);
    await w.page.getByLabel('User id').fill(uid);
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.online();
    return w;
  }

  /**
   * The app's own files (the page, scripts, styles) come from the build on disk from now on, as a
   * service worker or the HTTP cache would give them: the page loads while the server is down. The
   * API, `/healthz` and the WebSocket still go to the server, and fail while it is down. Chromium
   * counts a page served this way as public and would refuse its connections to 127.0.0.1: the suite
   * launches it with `SHELL_FROM_DISK_ARGS`.
   */
  async keepAppShell(webDir: string): Promise<void> {
    await this.context.route(
      (url) => !url.pathname.startsWith('/v1/') && url.pathname !== '/healthz',
      async (route) => {
        const { pathname } = new URL(route.request().url());
        const file = path.join(webDir, pathname === '/' ? 'index.html' : pathname);
        if (fs.existsSync(file) && fs.statSync(file).isFile()) await route.fulfill({ path: file });
        else await route.continue();
      },
    );
    // The requests the page makes while the server is down fail, and Chromium logs each.
    this.allowErrors(/ERR_CONNECTION_REFUSED|Failed to load resource/);
  }

  /** Errors the test provokes on purpose; any other error the page logs fails the suite. */
  allowErrors(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  unexpectedErrors(): string[] {
    return this.errors.filter((e) => !this.allowed.some((p) => p.test(e)));
  }

  /** Waits until the page is connected; after a server restart give `timeout` room for the SDK's backoff (up to 30 s a try). */
  online(timeout?: number): Promise<void> {
    return this.page.locator('.connection[data-status="connected"]').waitFor({ timeout });
  }

  item(conversationId: string): Locator {
    return this.page.locator(`li[data-conversation-id="${conversationId}"]`);
  }

  /** The conversation ids in list order. */
  order(): Promise<string[]> {
    return this.page.locator('li[data-conversation-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id') ?? ''));
  }

  /** Waits until the list shows `ids` first, in this order. */
  async waitForOrder(...ids: string[]): Promise<void> {
    await this.page.waitForFunction((want) => {
      const got = [...document.querySelectorAll('li[data-conversation-id]')].map((e) => e.getAttribute('data-conversation-id'));
      return want.every((id, i) => got[i] === id);
    }, ids);
  }

  async newChat(uid: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New chat' }).click();
    await this.page.getByLabel('User id').fill(uid);
    await this.page.getByRole('button', { name: 'Open chat' }).click();
    await this.page.locator('.chat-title h2', { hasText: uid }).waitFor();
  }

  /** Creates a group through "New group" (development mode) and waits for its chat to open. */
  async newGroup(name: string, members: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New group' }).click();
    await this.page.getByLabel('Name').fill(name);
    await this.page.getByLabel('Members: user ids, separated by commas or spaces').fill(members);
    await this.page.getByRole('button', { name: 'Create group' }).click();
    await this.page.locator('.chat-title h2', { hasText: name }).waitFor();
  }

  async open(conversationId: string): Promise<void> {
    await this.item(conversationId).locator('.conversation-open').click();
    await this.page.locator('.messages .history-edge').first().waitFor();
  }

  async send(text: string): Promise<void> {
    await this.page.getByLabel('Message', { exact: true }).fill(text);
    await this.page.getByLabel('Message', { exact: true }).press('Enter');
    await this.message(text)
      .locator('.state', { hasText: /Sent|Read/ })
      .waitFor();
  }

  /** The message whose text is exactly `text` (or matches it). */
  message(text: string | RegExp): Locator {
    const exact = typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
    return this.page.locator('.messages .row', { has: this.page.locator('p.text', { hasText: exact }) });
  }

  /** Opens a menu ("Message actions" on a message, "Conversation actions" on a conversation) and picks an item. */
  async choose(scope: Locator, menu: string, item: string): Promise<void> {
    await scope.hover();
    await scope.getByRole('button', { name: menu }).click();
    await scope.getByRole('menuitem', { name: item, exact: true }).click();
  }

  async shot(name: string): Promise<void> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

export const LONG = 120_000;

/** Chromium flags for a suite that uses `Window.keepAppShell` (see there). */
export const SHELL_FROM_DISK_ARGS = ['--disable-features=LocalNetworkAccessChecks'];

/**
 * One suite's setup: the app built from source, a real server serving it, and Chromium. Every window
 * opened through it is closed at the end, and must have logged no page errors; a failed test leaves
 * screenshots of its windows in test-artifacts/web.
 */
export function useWebApp(env: Record<string, string> = {}, options: { chromiumArgs?: readonly string[] } = {}) {
  const state = {} as { t: TestServer; browser: Browser; webDir: string };
  const windows: Window[] = [];
  beforeAll(async () => {
    state.webDir = await buildWebApp();
    state.t = await startServer(state.webDir, env);
    state.browser = await launchChromium(options.chromiumArgs);
  }, LONG);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail')
      for (const [i, w] of windows.entries()) await w.shot(`failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}-${i}`);
  });
  afterAll(async () => {
    for (const w of windows) expect(w.unexpectedErrors(), 'errors in the page').toEqual([]);
    await state.browser?.close();
    await state.t?.close();
    if (state.webDir) fs.rmSync(state.webDir, { recursive: true, force: true });
  });
  return {
    get t(): TestServer {
      return state.t;
    },
    get browser(): Browser {
      return state.browser;
    },
    /** The folder the app was built into, which the server serves (a test may change it, as a deploy would; `Window.keepAppShell` reads it). */
    get webDir(): string {
      return state.webDir;
    },
    async signIn(uid: string, viewport?: { width: number; height: number }, setup?: Setup): Promise<Window> {
      const w = await Window.signIn(state.browser, state.t.url, uid, viewport, setup);
      windows.push(w);
      return w;
    },
    /** A window on `path` of the server (the chat app at `/` by default; the admin console at `/admin`). */
    async open(viewport?: { width: number; height: number }, path = ''): Promise<Window> {
      const w = await Window.open(state.browser, `${state.t.url}${path}`, viewport);
      windows.push(w);
      return w;
    },
    /** A message sent through the admin API, as `from` (trusted: no rate limit), for test data. */
    async adminSend(from: string, to: string, content: string, channelType = 1): Promise<void> {
      await state.t.adminOk('POST', '/messages', { fromUid: from, channelId: to, channelType, payload: { type: 1, content } });
    },
  };
}
