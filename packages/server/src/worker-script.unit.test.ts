import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compiledWorker } from './worker-script.js';

describe('compiledWorker', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-worker-script-'));
  afterEach(() => fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true }));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const build = (file: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), '');
  };

  it('finds the build of a worker beside a source module, under dist, by the last src of the path', () => {
    build('dist/adapters/w.js');
    const from = pathToFileURL(path.join(root, 'src/adapters/caller.ts')).href;
    expect(compiledWorker(from, 'w.js')?.href).toBe(pathToFileURL(path.join(root, 'dist/adapters/w.js')).href);
  });

  it('takes the file beside a compiled module, and answers undefined for a worker not built', () => {
    build('dist/w.js');
    expect(compiledWorker(pathToFileURL(path.join(root, 'dist/caller.js')).href, 'w.js')?.href).toBe(
      pathToFileURL(path.join(root, 'dist/w.js')).href,
    );
    expect(compiledWorker(pathToFileURL(path.join(root, 'src/caller.ts')).href, 'missing.js')).toBeUndefined();
  });
});
