import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The SDK and the protocol types are bundled from source, so the app builds without building them first.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@parley\/client$/, replacement: source('../client/src/index.ts') },
      { find: /^@parley\/protocol$/, replacement: source('../protocol/src/index.ts') },
      { find: /^@parley\/protocol\/constants$/, replacement: source('../protocol/src/constants.ts') },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // `npm run dev -w packages/web` proxies the API to a server started with `npm start`.
  server: {
    proxy: {
      '/v1': { target: 'http://localhost:5280', ws: true },
      '/healthz': 'http://localhost:5280',
    },
  },
});
