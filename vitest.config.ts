import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Two test projects, told apart by file name (both sit beside the code they test):
 *
 * - `unit`: `*.unit.test.ts`. Plain in-process code: no server, no database, no browser, no child
 *   process, no network. Real collaborators where cheap; a hand-written fake only for a port that would
 *   otherwise need a database or a network (the test says so). No timed assertions: fake timers or
 *   explicit flushes. `npx vitest run --project unit` runs them all in seconds.
 * - `e2e`: every other `*.test.ts` (and the web app's `e2e/` folder): real servers in process or as
 *   child processes, SQLite and PostgreSQL stores, headless Chromium.
 *
 * A file lands in exactly one project: `e2e` excludes what `unit` includes.
 */
const UNIT = 'packages/*/src/**/*.unit.test.ts';

export default defineConfig({
  resolve: {
    alias: [
      // Unit tests of the web app use the SDK's real pieces (its listener lists): from source, as the app's build does.
      { find: /^@parley\/client$/, replacement: source('./packages/client/src/index.ts') },
      { find: /^@parley\/protocol$/, replacement: source('./packages/protocol/src/index.ts') },
      { find: /^@parley\/protocol\/constants$/, replacement: source('./packages/protocol/src/constants.ts') },
    ],
  },
  test: {
    reporters: ['default', './tools/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [UNIT],
          // A unit test that needs more than a few seconds is waiting on something it should not.
          testTimeout: 5_000,
          hookTimeout: 5_000,
          // Unit files share their worker's modules instead of a fresh process each: the run takes seconds,
          // not tens of them. So a unit test leaves nothing global behind (real timers back, spies restored).
          isolate: false,
          restoreMocks: true,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/src/**/*.test.ts', 'packages/web/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, UNIT],
        },
      },
    ],
  },
});
