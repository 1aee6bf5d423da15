import { type FormEvent, useState } from 'react';
import { ApiError } from '../session/api';
import { checkSecret, isRefusal } from './api';

/** The app secret (PARLEY_APP_SECRET), checked with one admin read before the console opens. */
export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (secret: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(notice ?? '');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const secret = value.trim();
    if (!secret) return setError('Enter the app secret');
    setBusy(true);
    setError('');
    try {
      await checkSecret(secret);
      onSignedIn(secret);
    } catch (err) {
      setError(
        isRefusal(err)
          ? 'The server refused this app secret. Check PARLEY_APP_SECRET on the server.'
          : err instanceof ApiError
            ? err.message
            : String(err),
      );
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>Parley admin</h1>
        <p className="muted">
          Sign in with the app secret (<code>PARLEY_APP_SECRET</code>). It is kept in this tab’s memory only: a reload or a closed tab signs
          you out.
        </p>
        <label htmlFor="admin-secret">App secret</label>
        <input
          id="admin-secret"
          type="password"
          autoFocus
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'admin-secret-error' : undefined}
        />
        {error && (
          <p className="error" role="alert" id="admin-secret-error">
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
