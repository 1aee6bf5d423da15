import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The compiled binary, as an operator runs it (`npm test` builds it before vitest). */
const PARLEY_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);
const parley = (...args: string[]) =>
  run(process.execPath, [PARLEY_MAIN, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );

describe('the parley binary', () => {
  it('lists its commands, and refuses an unknown one with one line and a non-zero exit', async () => {
    const help = await parley('help');
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^usage: parley <command>/)]);
    const unknown = await parley('no-such-command');
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, 'parley: unknown command "no-such-command" (parley help lists them)']);
  });
});
