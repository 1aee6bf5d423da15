import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled worker `name` beside the module at `moduleUrl` (its `import.meta.url`), or undefined
 * when it is not built. When that module is the TypeScript source (the tests run the sources), the
 * build's copy in `dist`: a worker thread cannot load TypeScript, so those tests need
 * `npx tsc -b packages/server` first (`npm test` does it).
 */
export function compiledWorker(moduleUrl: string, name: string): URL | undefined {
  const beside = new URL(`./${name}`, moduleUrl);
  // The last `/src/` of the path is the package's source root; `dist` mirrors it.
  const url = moduleUrl.endsWith('.ts') ? new URL(beside.href.replace(/\/src\/(?!.*\/src\/)/, '/dist/')) : beside;
  return fs.existsSync(fileURLToPath(url)) ? url : undefined;
}
