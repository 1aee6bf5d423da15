import type { ConfigEntry } from '@parley/protocol';
import { useEffect, useState } from 'react';
import type { AdminApi } from '../api';
import { messageOf } from '../ui/format';
import { ErrorText, Page } from '../ui/Page';

function valueText(value: ConfigEntry['value']): string {
  if (value === null) return 'not set';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  return String(value);
}

/** The configuration the server runs with, as `GET /v1/admin/config` gives it: secrets arrive masked, never raw. */
export function ConfigPage({ api }: { api: AdminApi }) {
  const [entries, setEntries] = useState<ConfigEntry[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api.config().then(
      (c) => live && setEntries(c.entries),
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <Page title="Configuration">
      <p className="muted small">
        The active configuration of the node that answered, from its environment at start. Secrets (the app secret, passwords in the
        database and bus URLs, anything named like a secret) are masked by the server: their values never reach this page.
      </p>
      <ErrorText error={error} />
      {!entries && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {entries && (
        <table className="admin-table admin-config">
          <caption className="visually-hidden">Active configuration</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.key} data-key={e.key}>
                <th scope="row">
                  <code>{e.key}</code>
                </th>
                <td className={e.value === null ? 'muted' : undefined}>
                  <code className="wrap">{valueText(e.value)}</code>
                  {e.masked && <span className="admin-badge">masked</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
