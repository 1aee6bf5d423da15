import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sqliteBackend } from '@parley/test-kit/backends';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(PACKAGE, '../..');

/** The fenced blocks of one README section, by language. */
function blocksOf(section: string): Record<string, string> {
  const readme = fs.readFileSync(path.join(PACKAGE, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${section}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end);
  return Object.fromEntries([...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]));
}

describe('the SDK README quick start, as written', () => {
  let t: TestServer;
  let dir: string;
  const { sh, js, text } = blocksOf('Quick start (Node)');

  beforeAll(async () => {
    // What `npm start` does for the package first: build it (dist is what the quick start imports).
    await run(path.join(REPO, 'node_modules/.bin/tsc'), ['-b', 'packages/client'], { cwd: REPO });
    t = await TestServer.start(sqliteBackend);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-quick-start-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs, runs with node against a server, and prints what the README says', async () => {
    expect(sh && js && text, 'the section has its sh, js and text blocks').toBeTruthy();
    const [setup, install] = (sh as string).trim().split('\n') as [string, string];
    // The first line as written: mkdir, npm init, type=module.
    await run('sh', ['-c', setup], { cwd: dir });
    const project = path.join(dir, 'chat');
    // The second is `npm install` of local folders and ws: npm links a folder into node_modules under
    // its package name, as done here; ws comes from this repository's node_modules (no registry needed).
    const names = install.replace(/^npm install /, '').split(/\s+/);
    expect(names).toEqual(['/path/to/parley/packages/protocol', '/path/to/parley/packages/client', 'ws']);
    for (const name of names) {
      const source = name.startsWith('/path/to/parley/')
        ? path.join(REPO, name.slice('/path/to/parley/'.length))
        : path.join(REPO, 'node_modules', name);
      const packageName = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).name as string;
      fs.mkdirSync(path.dirname(path.join(project, 'node_modules', packageName)), { recursive: true });
      fs.symlinkSync(source, path.join(project, 'node_modules', packageName), 'dir');
    }
    fs.writeFileSync(path.join(project, 'chat.js'), js as string);

    const { stdout } = await run(process.execPath, ['chat.js'], { cwd: project, env: { ...process.env, PARLEY_URL: t.url } });
    expect(stdout).toBe(text);
  });
});
