import { type ClientStore, IndexedDbStore, MemoryStore } from '@parley/client';

/**
 * The user's local cache: IndexedDB, one database per uid, so a reload starts from it (the list, the
 * open chat, sends that were waiting) and two people on one browser never share it. In memory when the
 * uid is not known yet (a production token before its first connection) or IndexedDB cannot be used
 * (some private windows): the app then works as before, from the server.
 */
export async function localCache(uid: string | undefined): Promise<ClientStore> {
  if (!uid || typeof indexedDB === 'undefined') return new MemoryStore(uid);
  const store = new IndexedDbStore(uid);
  try {
    await store.syncState();
    return store;
  } catch {
    return new MemoryStore(uid);
  }
}
