import type { User } from '@parley/protocol';
import { useState } from 'react';
import type { AdminApi } from '../api';
import { dateTime, messageOf } from '../ui/format';
import { ErrorText } from '../ui/Page';

/** Whether the user is banned, since when, and the button that bans or unbans them. */
export function BanUser({ api, user, onChanged }: { api: AdminApi; user: User; onChanged: (user: User) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const banned = user.bannedAt > 0;

  async function toggle() {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api.setBanned(user.uid, !banned));
    } catch (err) {
      setError(`${banned ? 'Unban' : 'Ban'} failed: ${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="admin-card" aria-labelledby="user-ban">
      <h2 id="user-ban">Ban</h2>
      <p role="status">{banned ? `Banned since ${dateTime(user.bannedAt)}` : 'Not banned'}</p>
      <p className="muted small">
        A ban closes every connection of theirs at once and refuses their tokens and their messages until they are unbanned; unbanning lets
        their tokens work again.
      </p>
      <div className="admin-actions">
        <button type="button" className={banned ? undefined : 'danger'} onClick={toggle} disabled={busy}>
          {banned ? 'Unban' : 'Ban'}
        </button>
      </div>
      <ErrorText error={error} />
    </section>
  );
}
