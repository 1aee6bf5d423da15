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
});
