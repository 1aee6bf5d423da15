/**
 * The webhook delivery worker's entry (a worker_threads Worker started by app.ts through
 * WorkerDelivery, domain/webhooks/delivery-thread.ts): the node's delivery loop on its own thread and
 * its own connection to the store, so that claiming, rendering, signing, posting and deleting
 * delivered events cost the event loop that serves sends nothing. Writing the events stays where it
 * was: in the commit of what they report, on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStorageSource } from './adapters/storage/open-source.js';
import { lowerThreadPriority } from './background-thread.js';
import { unreadTotal } from './domain/conversations/unread-total.js';
import { MessageExpiry } from './domain/retention/expiry.js';
import type { DeliveryWorkerStart, FromDeliveryWorker, ToDeliveryWorker } from './domain/webhooks/delivery-thread.js';
import { WebhookDispatcher } from './domain/webhooks/dispatcher.js';
import { WebhookEndpoint } from './domain/webhooks/webhook-endpoint.js';

const port = parentPort;
if (!port) throw new Error('webhook-worker.js runs as a worker thread of the server (app.ts)');
lowerThreadPriority();
const start = workerData as DeliveryWorkerStart;
const post = (message: FromDeliveryWorker) => port.postMessage(message);

/** Fields as the main thread's logger can take them: an Error travels as its name, message and stack. */
const plain = (fields: object): object =>
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) =>
      v instanceof Error ? [k, { type: v.name, message: v.message, stack: v.stack, code: (v as { code?: unknown }).code }] : [k, v],
    ),
  );

const storage = await openStorageSource(start.source);
// The URL as this thread knows it, from its own connection: told to read it again on every change.
const endpoint = new WebhookEndpoint(storage.webhookOutbox, start.config.url);
await endpoint.refresh();
// Server time is the real time here: a test's frozen clock (test-kit) stays on the main thread.
const expiry = new MessageExpiry(storage, start.retentionDefaultDays);
const dispatcher = new WebhookDispatcher({
  store: storage.webhookOutbox,
  endpoint,
  config: start.config,
  owner: start.owner,
  unreadTotal: (uid) => unreadTotal(storage, expiry, uid),
  clock: Date.now,
  log: { warn: (fields, message) => post({ type: 'warn', fields: plain(fields), message }) },
  onDelivered: (events) => post({ type: 'delivered', events }),
  onFailed: (died) => post({ type: 'failed', died }),
});

port.on('message', (m: ToDeliveryWorker) => {
  switch (m.type) {
    case 'nudge':
      dispatcher.nudge();
      break;
    case 'endpoint':
      void endpoint
        .refresh()
        .then(() => dispatcher.nudge())
        .catch((err: unknown) => post({ type: 'warn', fields: plain({ err }), message: 'webhook: could not read the URL again' }));
      break;
    case 'close':
      void (async () => {
        await dispatcher.close();
        await storage.close();
        post({ type: 'closed' });
        port.close();
      })();
      break;
  }
});

dispatcher.start();
post({ type: 'ready' });
