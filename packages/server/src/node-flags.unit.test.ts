import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.js';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('the Node flags the server runs with', () => {
  it('are the ones `npm start` passes', () => {
    const start = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts.start as string;
    expect(start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} packages/server/dist/main.js`);
  });

  it('are the ones the bench runner runs under: its first import starts it again with them', () => {
    const run = fs.readFileSync(path.join(repo, 'packages/server/src/bench/run.ts'), 'utf8');
    const imports = run.split('\n').filter((line) => line.startsWith('import '));
    expect(imports[0]).toBe("import './server-flags.js';");
  });

  it('a process that imports the compiled bench/server-flags.js without them runs again with them', () => {
    const script = path.join(repo, 'packages/server/dist/bench/server-flags.js');
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(script)}); console.log(JSON.stringify(process.execArgv))`],
      {
        encoding: 'utf8',
      },
    );
    const execArgv = JSON.parse(out.trim()) as string[];
    for (const flag of SERVER_NODE_FLAGS) expect(execArgv).toContain(flag);
  });
});
