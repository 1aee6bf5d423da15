import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeContract } from '../store.contract.js';
import { FileStore } from './file-store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-file-store-'));
const fileOf = (uid: string) => path.join(dir, `${uid}.json`);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('store contract: FileStore', () => {
  // reopen is a new FileStore on the same file, as a restarted process makes.
  const subject = {
    open: async (uid: string) => new FileStore(fileOf(uid), uid),
    reopen: async (uid: string) => new FileStore(fileOf(uid), uid),
  };
  for (const c of storeContract) it(c.name, () => c.run(subject));
});

describe('FileStore on disk', () => {
  const unsent = (clientMsgNo: string) =>
    ({ clientMsgNo, messageSeq: 0, channelId: 'bob', channelType: 1, status: 'sending', reasonCode: 0 }) as never;

  it('changes made at once all reach the file, and no temporary file is left behind', async () => {
    const file = fileOf('burst');
    const store = new FileStore(file, 'burst');
    await Promise.all(Array.from({ length: 50 }, (_, n) => store.putOutbox(unsent(`m${n}`))));
    const again = new FileStore(file, 'burst');
    expect((await again.outbox()).map((m) => m.clientMsgNo)).toEqual(Array.from({ length: 50 }, (_, n) => `m${n}`));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('burst'))).toEqual(['burst.json']);
  });

  it('refuses a file that is not its JSON, or that holds another user, with an error naming the file', async () => {
    fs.writeFileSync(fileOf('broken'), '{"format": 1, "sync": ');
    await expect(new FileStore(fileOf('broken'), 'broken').outbox()).rejects.toThrow(/broken\.json is not JSON/);
    fs.writeFileSync(fileOf('future'), JSON.stringify({ format: 99 }));
    await expect(new FileStore(fileOf('future')).conversations()).rejects.toThrow(/future\.json is not in a format/);
    await new FileStore(fileOf('alice'), 'alice').putOutbox(unsent('a'));
    await expect(new FileStore(fileOf('alice'), 'bob').outbox()).rejects.toThrow(/holds the data of alice, not bob/);
  });
});
