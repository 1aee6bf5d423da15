import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { serviceWorker } from './sw/plugin.js';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** In development, /admin and its deep links answer the console's page, as the server does with the build. */
const adminConsolePaths: Plugin = {
  name: 'parley-admin-console-paths',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url && /^\/admin(\/|\?|$)/.test(req.url)) req.url = '/admin.html';
      next();
    });
  },
};

// The SDK and the protocol are bundled from source, so the app builds without building them first: each
// workspace package names its source under the `source` export condition (see its package.json).
export default defineConfig({
  // The service worker (sw/) keeps the chat app's shell, so it opens while the server is down.
  plugins: [react(), adminConsolePaths, serviceWorker()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Two pages, one build: the chat app (index.html, served at /) and the admin console (admin.html,
  // served at /admin); they share the hashed files under assets/.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: { app: page('index.html'), admin: page('admin.html') },
      output: {
        // React is most of both pages: one chunk of its own. What else both import (the REST helper, the
        // dialog, the base styles) is a small chunk named for that, not after whichever module came first.
        codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
        chunkFileNames: (chunk) => `assets/${chunk.name === 'react' ? 'react' : 'shared'}-[hash].js`,
      },
    },
  },
  // `npm run dev -w packages/web` proxies the API to a server started with `npm start`.
  server: {
    proxy: {
      '/v1': { target: 'http://localhost:5280', ws: true },
      '/healthz': 'http://localhost:5280',
    },
  },
});
