import type { ChannelAddress } from '@parley/client';
import { type KeyboardEvent, useEffect, useState } from 'react';
import { useApp } from '../app-context';
import { isGroup } from '../conversations/address';
import { memberUids } from './group-members';

const MAX_SHOWN = 8;
// The @word being typed just before the caret, as `mentionsIn` will read it.
const TYPING = /(?:^|\s)@([A-Za-z0-9_.@-]{0,64})$/;

/**
 * The @ autocomplete of a group's composer: while an @word is typed, the members whose uid starts with
 * it (and `all`); arrows move, Enter or Tab picks, Escape closes. `pick` answers the new text and caret.
 */
export function useMentionSuggestions(address: ChannelAddress, text: string, caret: number) {
  const { me, token } = useApp();
  const [members, setMembers] = useState<string[]>();
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number>();
  const typed = isGroup(address) ? TYPING.exec(text.slice(0, caret)) : null;
  const query = typed ? (typed[1] as string).toLowerCase() : undefined;
  const start = typed ? caret - (typed[1] as string).length - 1 : -1;
  const typing = query !== undefined;

  // The members are read when an @word starts, so a member who joined since is there.
  useEffect(() => {
    if (!typing) return;
    let live = true;
    void memberUids(token(), address.channelId).then((uids) => live && setMembers(uids));
    return () => {
      live = false;
    };
  }, [typing, token, address.channelId]);

  const options =
    query === undefined || dismissed === start
      ? []
      : [...(members ?? []).filter((uid) => uid !== me), 'all'].filter((uid) => uid.toLowerCase().startsWith(query)).slice(0, MAX_SHOWN);
  const current = Math.min(active, options.length - 1);

  const pick = (uid: string): { text: string; caret: number } => {
    const inserted = `@${uid} `;
    setActive(0);
    return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
  };

  /** Handles the key when the suggestions are open; answers the pick, `true` for a key it used, or `false`. */
  const onKeyDown = (e: KeyboardEvent): ReturnType<typeof pick> | boolean => {
    if (options.length === 0) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + options.length) % options.length);
      return true;
    }
    if (e.key === 'Escape') {
      setDismissed(start);
      return true;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) return pick(options[current] as string);
    return false;
  };

  return { options, active: current, pick, onKeyDown };
}
