import type { LocalMessage } from '@parley/client';
import { CloseIcon } from '../ui/icons';
import { summaryOf } from './content';

/** What the next send does besides sending: answer a message (quoted) or replace your message's text. */
export function ComposerContext({ replyTo, onCancel }: { replyTo: LocalMessage | undefined; onCancel: () => void }) {
  return (
    <div className="composer-context">
      <span>
        {replyTo ? `Replying to ${replyTo.fromUid}: ` : 'Editing your message'}
        {replyTo && <em>{summaryOf(replyTo).slice(0, 80)}</em>}
      </span>
      <button type="button" className="icon" aria-label="Cancel" onClick={onCancel}>
        <CloseIcon size={16} />
      </button>
    </div>
  );
}
