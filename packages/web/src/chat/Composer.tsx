import type { ChannelAddress, LocalMessage } from '@parley/client';
import type { Payload } from '@parley/protocol';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useApp } from '../app-context';
import { isGroup } from '../conversations/address';
import { useAction, useToast } from '../ui/toast';
import { mentionsIn, shownPayload, summaryOf } from './content';

/** The server's default text limit, for the moment before the first connection tells the real one. */
const DEFAULT_MAX_CHARS = 5000;

/**
 * Text with Enter (Shift+Enter for a new line), images from the clip button. Replying quotes the message;
 * editing replaces your message's text for everyone. Every message asks for read receipts. The length is
 * checked here, against the server's limit, so a long text is not lost to a refused send.
 */
export function Composer(props: {
  address: ChannelAddress;
  replyTo: LocalMessage | undefined;
  editing: LocalMessage | undefined;
  onCancel: () => void;
  beforeSend: () => Promise<void>;
  onImage: (file: File) => void;
}) {
  const { client } = useApp();
  const act = useAction();
  const toast = useToast();
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const { editing, replyTo } = props;

  // Starting an edit loads the message's text; leaving it (for a reply, say) clears it, so it is never sent by mistake.
  useEffect(() => {
    setText(editing ? (shownPayload(editing).content ?? '') : '');
  }, [editing]);
  useEffect(() => {
    if (editing || replyTo) input.current?.focus();
  }, [editing, replyTo]);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    const content = text.trim();
    if (!content) return;
    const maxChars = client.limits?.textMaxChars ?? DEFAULT_MAX_CHARS;
    if ([...content].length > maxChars) {
      toast(`A message is at most ${maxChars} characters; this one has ${[...content].length}.`);
      return;
    }
    setText('');
    props.onCancel();
    if (editing) {
      await act('Edit', () => client.messages.edit(editing.messageId, { type: 1, content } as Payload));
      return;
    }
    await props.beforeSend();
    const mentions = isGroup(props.address) ? mentionsIn(content) : undefined;
    await client.messages.sendText(props.address, content, {
      setting: { receipt: true },
      ...(mentions && { mentions }),
      ...(replyTo && {
        reply: {
          messageId: replyTo.messageId,
          messageSeq: replyTo.messageSeq,
          fromUid: replyTo.fromUid,
          preview: summaryOf(replyTo).slice(0, 200),
        },
      }),
    });
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
    if (e.key === 'Escape' && (editing || replyTo)) {
      setText('');
      props.onCancel();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      {(replyTo || editing) && (
        <div className="composer-context">
          <span>
            {editing ? 'Editing your message' : `Replying to ${replyTo?.fromUid}: `}
            {replyTo && <em>{summaryOf(replyTo).slice(0, 80)}</em>}
          </span>
          <button
            type="button"
            className="icon"
            aria-label="Cancel"
            onClick={() => {
              setText('');
              props.onCancel();
            }}
          >
            ×
          </button>
        </div>
      )}
      <div className="composer-row">
        <button type="button" className="icon" aria-label="Send an image" onClick={() => file.current?.click()} disabled={!!editing}>
          📎
        </button>
        <input
          ref={file}
          type="file"
          accept="image/*"
          hidden
          aria-label="Image file"
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            if (chosen) props.onImage(chosen);
            e.target.value = '';
          }}
        />
        <textarea
          ref={input}
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={isGroup(props.address) ? 'Message (@uid to mention)' : 'Message'}
          aria-label="Message"
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
    </form>
  );
}
