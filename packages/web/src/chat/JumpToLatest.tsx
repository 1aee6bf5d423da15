import { ArrowDownIcon } from '../ui/icons';

/** Shown while you are scrolled up: how many new messages wait below, and a way down to them. */
export function JumpToLatest({ unseen, onClick }: { unseen: number; onClick: () => void }) {
  const label = unseen === 0 ? 'Jump to latest' : unseen === 1 ? '1 new message' : `${unseen} new messages`;
  return (
    <button type="button" className={`jump-latest${unseen ? ' has-new' : ''}`} onClick={onClick}>
      {label} <ArrowDownIcon size={16} />
    </button>
  );
}
