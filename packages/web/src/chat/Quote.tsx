import type { LocalMessage } from '@parley/client';
import { useEffect, useState } from 'react';

type Reply = NonNullable<LocalMessage['reply']>;

/**
 * The quoted message, as it is now: the one in view, else looked up once (the SDK's cache answers when
 * it can). Undefined while unknown.
 */
function useQuoted(seq: number, inView: LocalMessage | undefined, lookUp: (seq: number) => Promise<LocalMessage | undefined>) {
  const [fetched, setFetched] = useState<LocalMessage>();
  const shown = inView !== undefined;
  useEffect(() => {
    if (shown || seq <= 0) return;
    let live = true;
    lookUp(seq).then(
      (m) => live && setFetched(m),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [seq, shown, lookUp]);
  return inView ?? fetched;
}

/** A reply's quote: who and what it answered (a click jumps there); "message revoked" once that was revoked. */
export function Quote(props: {
  reply: Reply;
  inView: LocalMessage | undefined;
  lookUp: (seq: number) => Promise<LocalMessage | undefined>;
  onJump: (seq: number) => void;
}) {
  const { reply } = props;
  const quoted = useQuoted(reply.messageSeq, props.inView, props.lookUp);
  const revoked = quoted?.extra.revoked ?? false;
  return (
    <button type="button" className="quote" onClick={() => props.onJump(reply.messageSeq)}>
      <strong>{reply.fromUid}</strong>{' '}
      {revoked ? <em className="quote-revoked">message revoked</em> : (reply.preview ?? <em>message deleted</em>)}
    </button>
  );
}
