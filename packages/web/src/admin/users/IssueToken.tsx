import type { TokenResult } from '@parley/protocol';
import { type FormEvent, useId, useState } from 'react';
import type { AdminApi } from '../api';
import { dateTime, messageOf } from '../ui/format';
import { ErrorText } from '../ui/Page';

/**
 * A client token for the user, shown once: it lives in this component until the page is left and is
 * never stored. Copy puts it on the clipboard; where the browser refuses, it is selected for copying.
 */
export function IssueToken({ api, uid }: { api: AdminApi; uid: string }) {
  const id = useId();
  const [lifetime, setLifetime] = useState('');
  const [issued, setIssued] = useState<TokenResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');

  async function issue(e: FormEvent) {
    e.preventDefault();
    const seconds = lifetime.trim() ? Number(lifetime) : undefined;
    if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 60 || seconds > 31_536_000))
      return setError('The lifetime is a whole number of seconds from 60 to 31536000 (a year), or empty for the default');
    setBusy(true);
    setError(undefined);
    setCopied('');
    try {
      setIssued(await api.issueToken(uid, seconds));
    } catch (err) {
      setError(`No token: ${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied('Copied to the clipboard');
    } catch {
      (document.getElementById(`${id}-token`) as HTMLTextAreaElement | null)?.select();
      setCopied('The browser did not allow copying: the token is selected, copy it with Ctrl+C');
    }
  }

  return (
    <section className="admin-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Token</h2>
      <form className="admin-inline-form" onSubmit={issue}>
        <label htmlFor={`${id}-lifetime`}>Lifetime in seconds (empty: the server’s default)</label>
        <div className="admin-search-row">
          <input id={`${id}-lifetime`} inputMode="numeric" value={lifetime} onChange={(e) => setLifetime(e.target.value)} />
          <button type="submit" className="primary" disabled={busy}>
            Issue token
          </button>
        </div>
      </form>
      <ErrorText error={error} />
      {issued && (
        <div className="admin-token">
          <label htmlFor={`${id}-token`}>Token for {issued.uid}</label>
          <textarea id={`${id}-token`} readOnly rows={3} value={issued.token} spellCheck={false} />
          <p className="muted small">Expires {dateTime(issued.expiresAt)}. It is shown once: copy it now; leaving this page forgets it.</p>
          <div className="admin-actions">
            <button type="button" onClick={copy}>
              Copy token
            </button>
            <span role="status" className="muted small">
              {copied}
            </span>
          </div>
        </div>
      )}
    </section>
  );
}
