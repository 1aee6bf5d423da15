import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The SDK and the protocol are bundled from source, so the app builds without building them first: each
// workspace package names its source under the `source` export condition (see its package.json).
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // `npm run dev -w packages/web` proxies the API to a server started with `npm start`.
  server: {
    proxy: {
      '/v1': { target: 'http://localhost:5280', ws: true },
      '/healthz': 'http://localhost:5280',
    },
  },
});
