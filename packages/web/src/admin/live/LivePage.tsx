import type { AdminStats } from '@parley/protocol';
import { useEffect, useState } from 'react';
import type { AdminApi } from '../api';
import { bytes, duration, messageOf } from '../ui/format';
import { ErrorText, Page } from '../ui/Page';
import { ratesOf, rateText } from './rates';

/** How often the page samples the server's counters while it is open. */
export const POLL_MS = 2000;

function Figure({ name, label, value, note }: { name: string; label: string; value: string; note?: string }) {
  return (
    <div className="admin-figure" data-figure={name}>
      <dt>{label}</dt>
      <dd>
        <span className="admin-figure-value">{value}</span>
        {note && <span className="muted small">{note}</span>}
      </dd>
    </div>
  );
}

/**
 * The node's live figures, from its own metrics (`GET /v1/admin/stats` reads the registry `/metrics`
 * serves), sampled every two seconds while this page is open; rates are computed here from the last
 * two samples.
 */
export function LivePage({ api }: { api: AdminApi }) {
  const [samples, setSamples] = useState<[AdminStats | undefined, AdminStats | undefined]>([undefined, undefined]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sample = async () => {
      try {
        const stats = await api.stats();
        if (!live) return;
        setSamples(([, latest]) => [latest, stats]);
        setError(undefined);
      } catch (err) {
        if (live) setError(`The figures could not be read: ${messageOf(err)}`);
      }
      // The next sample after this one has answered: a slow server is never asked twice at once.
      if (live) timer = setTimeout(sample, POLL_MS);
    };
    sample();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api]);

  const [previous, latest] = samples;
  const rates = latest ? ratesOf(previous, latest) : {};
  return (
    <Page title="Live figures">
      <p className="muted small">
        This node’s own figures{latest ? ` (node ${latest.nodeId})` : ''}, read every {POLL_MS / 1000} seconds from its metrics while this
        page is open. In a cluster, each node counts its own connections and sends.
      </p>
      <ErrorText error={error} />
      {!latest && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {latest && (
        <dl className="admin-figures">
          <Figure name="online-users" label="Online users" value={String(latest.onlineUsers)} />
          <Figure name="connections" label="Connections" value={String(latest.connections)} />
          <Figure name="messages-per-second" label="Messages per second" value={rateText(rates.accepted)} note="accepted sends" />
          <Figure name="refused-per-second" label="Refused sends per second" value={rateText(rates.refused)} />
          <Figure
            name="messages-total"
            label="Messages since start"
            value={String(latest.sends.accepted)}
            note={`${latest.sends.refused} refused`}
          />
          <Figure
            name="bus"
            label="Bus"
            value={latest.bus.connected ? 'Connected' : 'Disconnected'}
            note={`${latest.bus.published} published, ${latest.bus.received} received, ${latest.bus.reconnects} reconnects`}
          />
          <Figure name="memory" label="Memory (resident)" value={bytes(latest.residentMemoryBytes)} />
          <Figure name="uptime" label="Uptime" value={duration(latest.uptimeSeconds)} />
        </dl>
      )}
    </Page>
  );
}
