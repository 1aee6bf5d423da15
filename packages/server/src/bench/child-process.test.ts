import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess, stopProcess } from './child-process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-child-process-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A script file of `source`, run by startProcess as the bench runs the server. */
function script(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

describe("a bench's child process started on its 'ready' message", () => {
  it('resolves once the child says it is ready, with the child running', async () => {
    const ready = script('ready.mjs', "setTimeout(() => process.send('ready'), 200); setInterval(() => {}, 1000);");
    const child = await startProcess(ready, [], {}, 'ipc');
    try {
      expect(child.exitCode).toBeNull();
      expect(child.connected).toBe(true);
    } finally {
      await stopProcess(child);
    }
  });

  it('fails with its exit code when the child ends before it is ready', async () => {
    const failing = script('exits.mjs', 'process.exit(3);');
    await expect(startProcess(failing, [], {}, 'ipc')).rejects.toThrow(/exits\.mjs exited with 3/);
  });
});
