import type { ChannelAddress, LocalMessage } from '@parley/client';
import type { Conversation, Payload } from '@parley/protocol';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useApp } from '../app-context';
import { isGroup } from '../conversations/address';
import { useAction, useToast } from '../ui/toast';
import { AttachButton } from './AttachButton';
import { ComposerContext } from './ComposerContext';
import { mentionsIn, shownPayload, summaryOf } from './content';
import { MentionSuggestions } from './MentionSuggestions';
import { useMentionSuggestions } from './use-mention-suggestions';
import { useTypingSignal } from './use-typing-signal';

/** The server's default text limit, for the moment before the first connection tells the real one. */
const DEFAULT_MAX_CHARS = 5000;

/**
 * Text with Enter (Shift+Enter for a new line), files from the clip or pasted; @ suggests group members.
 * Replying quotes the message; editing replaces your message's text for everyone. Every message asks
 * for read receipts. The length is checked here, against the server's limit, so a long text is not
 * lost to a refused send.
 */
export function Composer(props: {
  address: ChannelAddress;
  replyTo: LocalMessage | undefined;
  editing: LocalMessage | undefined;
  onCancel: () => void;
  beforeSend: () => Promise<void>;
  onFiles: (files: File[]) => void;
  /** The conversation's id and its draft as the server holds it (shared by all your devices). */
  conversationId: string;
  draft: Conversation['draft'] | undefined;
}) {
  const { client } = useApp();
  const act = useAction();
  const toast = useToast();
  const [text, setText] = useState(props.draft?.text ?? '');
  // The draft text the server holds, as far as this composer knows: what it loaded or last saved.
  const savedDraft = useRef(props.draft?.text ?? '');
  const [caret, setCaret] = useState(0);
  const moveCaret = useRef<number>(undefined);
  const input = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const mention = useMentionSuggestions(props.address, text, caret);
  const typing = useTypingSignal(props.address);
  const { editing, replyTo } = props;

  // Starting an edit loads the message's text; leaving it (for a reply, say) brings back the draft, so the edit is never sent by mistake.
  const started = useRef(false);
  useEffect(() => {
    if (!started.current && !editing) {
      started.current = true;
      return;
    }
    started.current = true;
    setText(editing ? (shownPayload(editing).content ?? '') : savedDraft.current);
  }, [editing]);

  // Drafts: saved on the server a moment after typing stops and when the chat closes, so they follow you
  // to your other devices; one changed there (or cleared by a send there) replaces an untouched one here.
  const ref = useRef({ conversationId: props.conversationId });
  const latest = useRef({ text, editing: !!editing });
  latest.current = { text, editing: !!editing };
  const saveDraft = useRef(() => {
    const { text: now, editing: busy } = latest.current;
    if (busy || now === savedDraft.current) return;
    savedDraft.current = now;
    void client.conversations.updateDraft(ref.current, now).catch(() => {});
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: each change of the text restarts the wait
  useEffect(() => {
    if (editing) return;
    const timer = setTimeout(() => saveDraft.current(), 800);
    return () => clearTimeout(timer);
  }, [text, editing]);
  useEffect(() => () => saveDraft.current(), []);
  const serverDraft = props.draft?.text ?? '';
  useEffect(() => {
    if (serverDraft === savedDraft.current) return;
    if (!latest.current.editing && latest.current.text === savedDraft.current) setText(serverDraft);
    savedDraft.current = serverDraft;
  }, [serverDraft]);
  useEffect(() => {
    if (editing || replyTo) input.current?.focus();
  }, [editing, replyTo]);
  // After a picked @mention, the caret goes after it.
  useLayoutEffect(() => {
    if (moveCaret.current === undefined) return;
    input.current?.setSelectionRange(moveCaret.current, moveCaret.current);
    moveCaret.current = undefined;
  });

  // Editing an old message is not typing a new one.
  useEffect(() => {
    if (!editing) typing(text);
  }, [typing, text, editing]);

  const change = (next: { text: string; caret: number }) => {
    setText(next.text);
    setCaret(next.caret);
    moveCaret.current = next.caret;
  };

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
    // The send clears the draft on the server (and on your other devices): nothing to save.
    if (!editing) savedDraft.current = '';
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

  const cancel = () => {
    setText('');
    props.onCancel();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    const used = mention.onKeyDown(e);
    if (used) {
      e.preventDefault();
      if (typeof used === 'object') change(used);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
    if (e.key === 'Escape' && (editing || replyTo)) cancel();
  };

  const open = mention.options.length > 0;
  return (
    <form className="composer" onSubmit={submit}>
      {(replyTo || editing) && <ComposerContext replyTo={replyTo} onCancel={cancel} />}
      {open && (
        <MentionSuggestions id={listId} options={mention.options} active={mention.active} onPick={(uid) => change(mention.pick(uid))} />
      )}
      <div className="composer-row">
        <AttachButton disabled={!!editing} onFiles={props.onFiles} />
        <textarea
          ref={input}
          rows={1}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            // Pictures (or files) on the clipboard are sent as they are; text pastes as usual.
            const files = [...e.clipboardData.files];
            if (files.length === 0 || editing) return;
            e.preventDefault();
            props.onFiles(files);
          }}
          placeholder={isGroup(props.address) ? 'Message (@ to mention)' : 'Message'}
          aria-label="Message"
          aria-autocomplete={isGroup(props.address) ? 'list' : undefined}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${mention.active}` : undefined}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
    </form>
  );
}
