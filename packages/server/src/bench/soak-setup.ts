import type { ParleyProcess } from './parley-process.js';
import { SoakClient } from './soak-client.js';
import { SeqCoverage, type SoakConversation } from './soak-coverage.js';
import { SendLedger } from './soak-ledger.js';
import type { SoakStats } from './soak-stats.js';
import type { SoakChannel } from './soak-verify.js';

export const GROUP_SIZE = 5;

export interface SoakWorld {
  clients: SoakClient[];
  channels: SoakChannel[];
  ledger: SendLedger;
  groups: number;
}

/**
 * `users` users in a ring, each in a 1:1 chat with both neighbours (channel i joins users i and
 * i+1), and groups of five over the first users (channel users + g), created with the admin API
 * like an app's server would. Every user then connects on one device.
 */
export async function setUpWorld(parley: ParleyProcess, users: number, stats: SoakStats): Promise<SoakWorld> {
  if (users < 3) throw new Error('--users must be at least 3 (a ring of 1:1 chats)');
  const uid = (i: number) => `soak-${i}`;
  const groups = Math.min(4, Math.floor(users / GROUP_SIZE));
  await parley.admin('/users/batch', { users: Array.from({ length: users }, (_, i) => ({ uid: uid(i) })) });
  const convs: SoakConversation[][] = Array.from({ length: users }, () => []);
  const readers: { reader: number; conversationId: string; name: string }[] = [];
  const dm = (b: number, channel: number): SoakConversation => ({
    channel,
    conversationId: `p2p|${uid(b)}`,
    to: uid(b),
    channelType: 1,
    coverage: new SeqCoverage(),
  });
  for (let i = 0; i < users; i++) {
    const peer = (i + 1) % users;
    convs[i]?.push(dm(peer, i));
    convs[peer]?.push(dm(i, i));
    readers.push({ reader: i, conversationId: `p2p|${uid(peer)}`, name: `${uid(i)} & ${uid(peer)}` });
  }
  for (let g = 0; g < groups; g++) {
    const groupId = `soak-g${g}`;
    const members = Array.from({ length: GROUP_SIZE }, (_, k) => g * GROUP_SIZE + k);
    await parley.admin('/groups', { groupId, channelType: 2, ownerUid: uid(members[0] ?? 0), members: members.map(uid) });
    for (const m of members) {
      convs[m]?.push({ channel: users + g, conversationId: `team|${groupId}`, to: groupId, channelType: 2, coverage: new SeqCoverage() });
    }
    readers.push({ reader: members[0] ?? 0, conversationId: `team|${groupId}`, name: groupId });
  }
  const ledger = new SendLedger(users);
  const clients: SoakClient[] = [];
  for (let i = 0; i < users; i++) {
    const client = new SoakClient(i, uid(i), await parley.token(uid(i)), parley.base, convs[i] ?? [], ledger, stats);
    await client.start();
    clients.push(client);
  }
  const channels = readers.map((r, index) => ({
    index,
    name: r.name,
    reader: clients[r.reader] as SoakClient,
    conversationId: r.conversationId,
  }));
  return { clients, channels, ledger, groups };
}
