import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

await describeEachBackend('idempotency, ordering and durability of sends', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('answers a resend with the first ack and stores and delivers one copy, also after a restart', async () => {
    const t = server();
    await t.createUsers('i-a', 'i-b');
    const b = await t.connect('i-b');
    const a = await t.connect('i-a');
    const params = { channelId: 'i-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('once') };
    const first = await a.request('message.send', params);
    const again = await a.request('message.send', params);
    const [x, y] = await Promise.all([a.request('message.send', params), a.request('message.send', params)]);
    for (const ack of [again, x, y]) expect(ack).toEqual(first);

    await t.restart();
    const a2 = await t.connect('i-a', 'after-restart');
    expect(await a2.request('message.send', params)).toEqual(first);
    const viaRest = await t.http('POST', '/v1/messages', { token: await t.token('i-a'), body: params });
    expect(viaRest.body).toEqual(first);
    expect(await t.storage.messages.count({ channelType: 1, channelId: 'i-a|i-b' })).toBe(1);
    await b.closed; // the restart closed it; it saw the one delivery before that
    expect(b.closeCode).toBe(1001);
    expect(b.eventsOf('message.new').length).toBe(1);
  });

  it('answers a resend with the first ack after the sender lost the right to post there (whitelist, removed)', async () => {
    const t = server();
    await t.createUsers('iw-o', 'iw-m');
    await t.adminOk('POST', '/groups', { groupId: 'iw-g', channelType: 2, ownerUid: 'iw-o', members: ['iw-m'] });
    const m = await t.connect('iw-m');
    const params = { channelId: 'iw-g', channelType: 2, clientMsgNo: clientMsgNo(), payload: text('before the whitelist') };
    const first = await m.request('message.send', params);
    expect(first.reasonCode).toBe(1);
    await t.adminOk('PUT', '/groups/iw-g/whitelist', { uids: ['iw-o'] });
    expect(await m.request('message.send', params)).toEqual(first);
    // A new message is still refused (13: not on the whitelist).
    expect((await m.request('message.send', { ...params, clientMsgNo: clientMsgNo() })).reasonCode).toBe(13);
    await t.adminOk('POST', '/groups/iw-g/members/remove', { uids: ['iw-m'] });
    expect(await m.request('message.send', params)).toEqual(first);
    expect(await t.storage.messages.count({ channelType: 2, channelId: 'iw-g' })).toBe(1);
  });

  it('keeps a group’s seqs contiguous and each sender’s messages in send order under concurrent senders', async () => {
    const t = server();
    const senders = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'];
    await t.createUsers(...senders);
    await t.adminOk('POST', '/groups', { groupId: 'busy', channelType: 2, ownerUid: 'c-1', members: senders.slice(1) });
    const clients = await Promise.all(senders.map((uid) => t.connect(uid, 'conc')));
    const perSender = 40;
    const acks = await Promise.all(
      clients.map((c, i) =>
        Promise.all(
          Array.from({ length: perSender }, (_, n) =>
            c.request('message.send', { channelId: 'busy', channelType: 2, clientMsgNo: `${senders[i]}-${n}`, payload: text(`${n}`) }),
          ),
        ),
      ),
    );
    const seqs = acks.flat().map((a) => a.messageSeq);
    expect(seqs.sort((p, q) => p - q)).toEqual(Array.from({ length: senders.length * perSender }, (_, i) => i + 1));
    for (const own of acks) {
      const ordered = own.map((a) => a.messageSeq);
      expect(ordered).toEqual([...ordered].sort((p, q) => p - q));
    }
    const stored = await t.storage.messages.range({ channelType: 2, channelId: 'busy' }, 1, 1000);
    expect(stored.map((m) => m.messageSeq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.messageId)).size).toBe(200);
    // Every member saw every message of the others, in seq order.
    const seen = clients[0]!.eventsOf('message.new');
    await clients[0]!.until(() => clients[0]!.eventsOf('message.new').length === 160);
    const got = clients[0]!.eventsOf('message.new').map((m) => m.messageSeq);
    expect(got).toEqual([...got].sort((p, q) => p - q));
    expect(seen.every((m) => m.fromUid !== 'c-1')).toBe(true);
  });

  it('acks or refuses every in-flight send on shutdown, and keeps every acked one', async () => {
    const t = server();
    await t.createUsers('s-a', 's-b');
    const a = await t.connect('s-a', 'shutdown');
    const sends = Array.from({ length: 50 }, (_, n) =>
      a.request('message.send', { channelId: 's-b', channelType: 1, clientMsgNo: `shut-${n}`, payload: text(`${n}`) }).then(
        (ack) => ({ ok: true as const, ack }),
        (error) => ({ ok: false as const, error }),
      ),
    );
    await a.until(() => true);
    await t.restart();
    const outcomes = await Promise.all(sends);
    const acked = outcomes.flatMap((o) => (o.ok && o.ack.reasonCode === 1 ? [o.ack] : []));
    for (const o of outcomes) if (!o.ok) expect(String(o.error.code ?? o.error.message)).toMatch(/server\.shutting_down|closed 1001/);
    const stored = await t.storage.messages.range({ channelType: 1, channelId: 's-a|s-b' }, 1, 1000);
    expect(stored.map((m) => m.messageId)).toEqual(expect.arrayContaining(acked.map((ack) => ack.messageId)));
  });
});
