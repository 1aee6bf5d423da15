import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from './index.js';

/** The rules of PresenceStore (presence.ts); run by `runStorageContract`. */
export function runPresenceContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}: presence and profiles`, () => {
    let store: Storage;
    const now = 1_700_000_000_000;
    beforeAll(async () => {
      store = await open();
      for (const uid of ['pr-a', 'pr-b', 'pr-c']) await store.users.upsert(uid, {}, now);
    });
    afterAll(() => store.close());

    it('keeps the latest last-seen time and ignores unknown uids', async () => {
      expect(await store.presence.lastSeen(['pr-a', 'pr-b', 'ghost'])).toEqual(new Map());
      await store.presence.setLastSeen('pr-a', now + 10);
      await store.presence.setLastSeen('pr-a', now + 5); // a late report of an earlier departure
      await store.presence.setLastSeen('pr-b', now + 7);
      await store.presence.setLastSeen('ghost', now + 9);
      expect(await store.presence.lastSeen(['pr-a', 'pr-b', 'pr-c', 'ghost'])).toEqual(
        new Map([
          ['pr-a', now + 10],
          ['pr-b', now + 7],
        ]),
      );
      expect(await store.users.get('ghost')).toBeUndefined();
    });

    it('shows profiles to the user, to group mates, and to anyone only with everyone', async () => {
      await store.users.upsert('pr-a', { name: 'A', avatar: 'https://a' }, now);
      await store.channels.createGroup(
        { channelType: 2, channelId: 'pr-g', name: 'G', ownerUid: 'pr-a', allowHistory: false },
        ['pr-a', 'pr-b'],
        now,
      );
      const shown = (viewer: string, uids: string[], everyone = false) => store.users.profiles(viewer, uids, everyone);
      expect(await shown('pr-b', ['pr-c', 'pr-a', 'ghost', 'pr-b', 'pr-a'])).toEqual([
        { uid: 'pr-a', name: 'A', avatar: 'https://a' },
        { uid: 'pr-b', name: '', avatar: '' },
      ]);
      expect(await shown('pr-c', ['pr-a', 'pr-c'])).toEqual([{ uid: 'pr-c', name: '', avatar: '' }]);
      expect((await shown('pr-c', ['pr-a', 'ghost'], true)).map((p) => p.uid)).toEqual(['pr-a']);
    });

    it('sets and clears the hidden flag, per user', async () => {
      expect(await store.presence.hidden(['pr-a', 'pr-b', 'pr-c'])).toEqual(new Set());
      expect(await store.presence.setHidden('pr-b', true)).toBe(true);
      expect(await store.presence.setHidden('pr-c', true)).toBe(true);
      expect(await store.presence.hidden(['pr-a', 'pr-b', 'pr-c', 'ghost'])).toEqual(new Set(['pr-b', 'pr-c']));
      expect(await store.presence.setHidden('pr-c', false)).toBe(true);
      expect(await store.presence.hidden(['pr-b', 'pr-c'])).toEqual(new Set(['pr-b']));
      expect(await store.presence.setHidden('ghost', true)).toBe(false);
      expect(await store.presence.hidden(['ghost'])).toEqual(new Set());
    });
  });
}
