import type { LocalMessage } from '@parley/client';
import { memo } from 'react';
import { useApp } from '../app-context';
import { isGroup } from '../conversations/address';
import { Menu } from '../ui/Menu';
import { messageTime } from '../ui/time';
import { PersonName } from '../users/PersonAvatar';
import { isNotice, shownPayload, summaryOf } from './content';
import { MessageContent } from './MessageContent';
import { Quote } from './Quote';
import { ReactionPicker, Reactions } from './Reactions';
import { SendState } from './SendState';
import { type MessageHandlers, useMessageMenu } from './use-message-menu';

interface Props extends MessageHandlers {
  message: LocalMessage;
  highlighted: boolean;
  /** The message its reply quotes, when that one is in view. */
  quoted: LocalMessage | undefined;
  lookUp: (seq: number) => Promise<LocalMessage | undefined>;
  onJump: (seq: number) => void;
  onOpenImage: (src: string) => void;
  onImageLoad: () => void;
}

const who = (uid: string, me: string) => (uid === me ? 'You' : uid);

/** One message: a notice line, a revoke line, or a bubble. */
export const MessageItem = memo(function MessageItem(props: Props) {
  const { message: m } = props;
  const { me } = useApp();
  if (isNotice(m))
    return (
      <p className="notice" data-seq={m.messageSeq}>
        {summaryOf(m)}
      </p>
    );
  if (m.extra.revoked)
    return (
      <p className="notice revoked" data-seq={m.messageSeq} data-message-id={m.messageId}>
        {who(m.extra.revoker ?? m.fromUid, me)} revoked a message
      </p>
    );
  return <Bubble {...props} />;
});

/** A bubble with its quote, content, reactions and state; its menu once delivered. */
function Bubble(props: Props) {
  const { message: m, highlighted } = props;
  const { client, me } = useApp();
  const mine = m.fromUid === me;
  const sent = m.status === 'success' && m.messageSeq > 0;
  const items = useMessageMenu(m, props);
  return (
    <div
      className={`row${mine ? ' mine' : ''}${highlighted ? ' highlighted' : ''}`}
      data-seq={m.messageSeq}
      data-message-id={m.messageId}
      aria-busy={m.stream?.streaming ? true : undefined}
    >
      <div className="bubble">
        {isGroup(m) && !mine && (
          <span className="sender">
            <PersonName uid={m.fromUid} />
          </span>
        )}
        {m.reply && <Quote reply={m.reply} inView={props.quoted} lookUp={props.lookUp} onJump={props.onJump} />}
        <MessageContent payload={shownPayload(m)} onOpenImage={props.onOpenImage} onImageLoad={props.onImageLoad} />
        {m.stream?.streaming && <StreamingDots />}
        <Reactions message={m} />
        <span className="meta">
          {m.stream && !m.stream.streaming && m.stream.status !== 'done' && (
            <span className="stream-ended">{m.stream.status === 'timeout' ? 'stopped' : m.stream.status} · </span>
          )}
          {m.extra.editedAt && <span className="edited">edited · </span>}
          <time>{messageTime(m.timestamp)}</time>
          {mine && <SendState message={m} onResend={() => void client.messages.resend(m)} onDiscard={() => props.onRemoved(m)} />}
        </span>
      </div>
      {sent && <Menu label="Message actions" items={items} header={(close) => <ReactionPicker message={m} onPicked={close} />} />}
    </div>
  );
}

/** A streamed message (a bot's answer) is still being written: its text grows until the dots go. */
function StreamingDots() {
  return (
    <span className="streaming" role="status" aria-label="Still writing">
      <span />
      <span />
      <span />
    </span>
  );
}
