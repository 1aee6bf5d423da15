import { type FormEvent, useState } from 'react';
import { isUid, UID_RULE } from '../users/uids';
import { ApiError, devLogin, type ServerMode } from './api';

/**
 * Development: any uid signs in (the server creates the user). Production: a token from your own backend
 * (its uid is learnt on connecting).
 */
export function Login({ mode, notice, onToken }: { mode: ServerMode; notice?: string; onToken: (token: string, uid?: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(notice ?? '');
  const [busy, setBusy] = useState(false);
  const dev = mode === 'development';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = value.trim();
    if (dev && !isUid(input)) return setError(UID_RULE);
    if (!dev && !input) return setError('Paste a token');
    setBusy(true);
    try {
      if (dev) onToken(await devLogin(input), input);
      else onToken(input);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>Parley</h1>
        <p className="muted">
          {dev
            ? 'Development mode: sign in as any user id. Open a second window to chat with yourself.'
            : 'Sign in with a token issued by your backend (POST /v1/admin/users/{uid}/token).'}
        </p>
        <label htmlFor="login-input">{dev ? 'User id' : 'Token'}</label>
        {dev ? (
          <input
            id="login-input"
            autoFocus
            autoComplete="username"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="alice"
          />
        ) : (
          <textarea id="login-input" autoFocus rows={4} value={value} onChange={(e) => setValue(e.target.value)} />
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
