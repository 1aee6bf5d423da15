import { describe, expect, it } from 'vitest';
import { type Incoming, notificationText, shouldNotify } from './notify-rules';

const extra = { revoked: false, revoker: null, revokedAt: null, editedAt: null, editedPayload: null, readCount: 0, unreadCount: 0 };
const payload = (p: object) => p as Incoming['payload'];
const message = (over: Partial<Incoming> = {}): Incoming => ({
  fromUid: 'bob',
  channelType: 1,
  channelId: 'bob',
  payload: payload({ type: 1, content: 'hi' }),
  extra,
  header: { noPersist: false, redDot: true, syncOnce: false },
  ...over,
});
const visible = { me: 'amy', open: 'p2p|bob', hidden: false, muted: false };

describe('desktop notification rules', () => {
  it('notifies for a chat that is not open, or for any chat while the tab is hidden', () => {
    expect(shouldNotify(message(), { ...visible, open: 'p2p|cat' })).toBe(true);
    expect(shouldNotify(message(), { ...visible, open: undefined })).toBe(true);
    expect(shouldNotify(message(), { ...visible, hidden: true })).toBe(true);
    expect(shouldNotify(message(), visible)).toBe(false);
  });

  it('never for your own messages, group notices or messages that count nothing unread', () => {
    const away = { ...visible, hidden: true };
    expect(shouldNotify(message({ fromUid: 'amy' }), away)).toBe(false);
    expect(shouldNotify(message({ payload: payload({ type: 1000, kind: 'parley.notice', text: 'bob added cat' }) }), away)).toBe(false);
    expect(shouldNotify(message({ header: { noPersist: false, redDot: false, syncOnce: false } }), away)).toBe(false);
  });

  it('never for a muted conversation', () => {
    expect(shouldNotify(message(), { ...visible, open: 'p2p|cat', muted: true })).toBe(false);
    expect(shouldNotify(message(), { ...visible, hidden: true, muted: true })).toBe(false);
  });

  it('names the sender, and the group in a group', () => {
    expect(notificationText(message(), undefined)).toEqual({ title: 'bob', body: 'hi' });
    const inGroup = message({ channelType: 2, channelId: 'g-1' });
    expect(notificationText(inGroup, 'Trip')).toEqual({ title: 'Trip', body: 'bob: hi' });
    expect(notificationText(inGroup, undefined)).toEqual({ title: 'g-1', body: 'bob: hi' });
    expect(notificationText(message({ payload: payload({ type: 2, url: '/x' }) }), undefined).body).toBe('[Image]');
  });
});
