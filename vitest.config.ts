import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/protocol$/, replacement: fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url)) },
      {
        find: /^@parley\/protocol\/constants$/,
        replacement: fileURLToPath(new URL('./packages/protocol/src/constants.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/web/e2e/**/*.test.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
