import type { ChannelAddress, LocalMessage } from '@parley/client';
import { memo } from 'react';
import { useApp } from '../app-context';
import { isGroup, isReadOnly } from '../conversations/address';
import { Menu, type MenuItem } from '../ui/Menu';
import { messageTime } from '../ui/time';
import { useAction } from '../ui/toast';
import { isNotice, type ShownPayload, shownPayload, summaryOf } from './content';
import { ReactionPicker, Reactions } from './Reactions';
import { reasonText } from './reasons';

interface Props {
  message: LocalMessage;
  highlighted: boolean;
  onJump: (seq: number) => void;
  onReply: (m: LocalMessage) => void;
  onEdit: (m: LocalMessage) => void;
  onDeleted: (messageId: string) => void;
  onOpenImage: (src: string) => void;
  onImageLoad: () => void;
}

const channelOf = (m: LocalMessage): ChannelAddress => ({
  channelId: m.channelId,
  channelType: m.channelType as ChannelAddress['channelType'],
});
const who = (uid: string, me: string) => (uid === me ? 'You' : uid);

/** One message: a notice line, a revoke line, or a bubble with its quote, content, reactions, state and actions. */
export const MessageItem = memo(function MessageItem(props: Props) {
  const { message: m, highlighted } = props;
  const { client, me } = useApp();
  const act = useAction();
  const mine = m.fromUid === me;
  if (isNotice(m))
    return (
      <p className="notice" data-seq={m.messageSeq}>
        {summaryOf(m)}
      </p>
    );
  if (m.extra.revoked)
    return (
      <p className="notice revoked" data-seq={m.messageSeq}>
        {who(m.extra.revoker ?? m.fromUid, me)} revoked a message
      </p>
    );

  const sent = m.status === 'success' && m.messageSeq > 0;
  const payload = shownPayload(m);
  const items: MenuItem[] = sent
    ? [
        ...(isReadOnly(m) ? [] : [{ label: 'Reply', onSelect: () => props.onReply(m) }]),
        ...(mine && payload.type === 1 ? [{ label: 'Edit', onSelect: () => props.onEdit(m) }] : []),
        ...(mine ? [{ label: 'Revoke', onSelect: () => void act('Revoke', () => client.messages.revoke(m.messageId)) }] : []),
        {
          label: 'Delete for me',
          danger: true,
          onSelect: () =>
            void act('Delete', () => client.messages.removeHistory(channelOf(m), { messageIds: [m.messageId] })).then(
              (ok) => ok && props.onDeleted(m.messageId),
            ),
        },
      ]
    : [];

  return (
    <div className={`row${mine ? ' mine' : ''}${highlighted ? ' highlighted' : ''}`} data-seq={m.messageSeq} data-message-id={m.messageId}>
      <div className="bubble">
        {isGroup(m) && !mine && <span className="sender">{m.fromUid}</span>}
        {m.reply && (
          <button type="button" className="quote" onClick={() => m.reply && props.onJump(m.reply.messageSeq)}>
            <strong>{m.reply.fromUid}</strong> {m.reply.preview}
          </button>
        )}
        <Content payload={payload} onOpenImage={props.onOpenImage} onImageLoad={props.onImageLoad} />
        <Reactions message={m} />
        <span className="meta">
          {m.extra.editedAt && <span className="edited">edited · </span>}
          <time>{messageTime(m.timestamp)}</time>
          {mine && <SendState message={m} onResend={() => void client.messages.resend(m)} />}
        </span>
      </div>
      {sent && <Menu label="Message actions" items={items} header={(close) => <ReactionPicker message={m} onPicked={close} />} />}
    </div>
  );
});

function Content({
  payload: p,
  onOpenImage,
  onImageLoad,
}: {
  payload: ShownPayload;
  onOpenImage: (src: string) => void;
  onImageLoad: () => void;
}) {
  if (p.type === 1) return <p className="text">{p.content}</p>;
  if (p.type === 2 && p.url) {
    const ratio = p.width && p.height ? `${p.width} / ${p.height}` : undefined;
    return (
      <button type="button" className="image-button" aria-label="Open image" onClick={() => onOpenImage(p.url as string)}>
        <img className="image" src={p.url} alt={p.name ?? 'Image'} style={{ aspectRatio: ratio }} onLoad={onImageLoad} />
      </button>
    );
  }
  if (p.type === 3 && p.url)
    return (
      <a className="file" href={p.url} target="_blank" rel="noreferrer">
        📎 {p.name ?? 'File'}
      </a>
    );
  return (
    <p className="text muted">
      {summaryOf({ payload: p as LocalMessage['payload'], extra: { editedPayload: null } as LocalMessage['extra'] })}
    </p>
  );
}

/** Sending…, failed (with retry), sent, or read: seed 004's message status plus the receipt count. */
function SendState({ message: m, onResend }: { message: LocalMessage; onResend: () => void }) {
  if (m.status === 'sending') return <span className="state"> · Sending…</span>;
  if (m.status === 'fail')
    return (
      <span className="state failed">
        {' '}
        · Not sent: {reasonText(m.reasonCode)}{' '}
        <button type="button" className="link" onClick={onResend}>
          Retry
        </button>
      </span>
    );
  if (!m.setting.receipt) return <span className="state"> · Sent</span>;
  const read = m.extra.readCount;
  const label = read === 0 ? 'Sent' : m.channelType === 1 ? 'Read' : `Read by ${read}`;
  return (
    <span className="state receipt" data-read={read}>
      {' '}
      · {label}
    </span>
  );
}
