import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core: never a downloaded browser. */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a printed reason, unless
 * PARLEY_REQUIRE_BROWSER=1 (as CI sets), which makes a missing browser an error instead.
 */
export function chromiumAvailable(suite: string): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  const why = `no Chromium at ${CHROMIUM} (Debian's chromium package; or set PARLEY_CHROMIUM)`;
  if (process.env.PARLEY_REQUIRE_BROWSER === '1') throw new Error(`${why}, and PARLEY_REQUIRE_BROWSER=1 forbids skipping ${suite}`);
  console.warn(`Skipping ${suite}: ${why}.`);
  return false;
}

/**
 * Headless, and quiet on this machine's closed network (no background fetches, no QUIC, no sync).
 * `extraArgs` go after the usual ones.
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
