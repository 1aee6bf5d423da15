import type { LocalMessage } from '@parley/client';
import { reasonText } from './reasons';

/** Sending…, failed (retry, or delete it), sent, or read: seed 004's message status plus the receipt count. */
export function SendState({ message: m, onResend, onDiscard }: { message: LocalMessage; onResend: () => void; onDiscard: () => void }) {
  if (m.status === 'sending') return <span className="state"> · Sending…</span>;
  if (m.status === 'fail')
    return (
      <span className="state failed">
        {' '}
        · Not sent: {reasonText(m.reasonCode)}{' '}
        <button type="button" className="link" onClick={onResend}>
          Retry
        </button>{' '}
        <button type="button" className="link" onClick={onDiscard}>
          Delete
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
