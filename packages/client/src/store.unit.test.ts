import { describe, it } from 'vitest';
import { storeContract } from './store.contract.js';
import { MemoryStore } from './store.js';

describe('store contract: MemoryStore', () => {
  // One store per uid, as a persistent store keeps one user's data; nothing survives a reopen.
  const subject = { open: async (uid: string) => new MemoryStore(uid) };
  for (const c of storeContract) it.skipIf(c.persistent)(c.name, () => c.run(subject));
});
