import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { openBus } from './adapters/bus/open.js';
import { localDiskFiles } from './adapters/files/local-disk.js';
import { openStorage } from './adapters/storage/open.js';
import type { AppContext } from './app-context.js';
import type { Config } from './config.js';
import { AdminDirectory } from './domain/admin/directory.js';
import { TokenService } from './domain/auth/tokens.js';
import { DevGroups } from './domain/channels/dev-groups.js';
import { GroupService } from './domain/channels/group-service.js';
import { MemberGroups } from './domain/channels/member-groups.js';
import { ConversationService } from './domain/conversations/conversation-service.js';
import { NodeWatch } from './domain/delivery/node-watch.js';
import { NodeOnlineCheck } from './domain/delivery/online-check.js';
import { DeliveryRouter } from './domain/delivery/router.js';
import { MessageActions } from './domain/messages/message-actions.js';
import { MessageIdGenerator } from './domain/messages/message-id.js';
import { MessageService } from './domain/messages/message-service.js';
import { MessageStreams } from './domain/messages/message-streams.js';
import { missedAfterJoin } from './domain/messages/missed-after-join.js';
import { RateLimiter } from './domain/messages/rate-limiter.js';
import { SendBatcher } from './domain/messages/send-batcher.js';
import { SharedRateLimit } from './domain/messages/shared-rate-limit.js';
import { SyncOnceService } from './domain/messages/sync-once-service.js';
import { MessageVisibility } from './domain/messages/visibility.js';
import { PresenceService } from './domain/presence/presence-service.js';
import { TypingService } from './domain/presence/typing.js';
import { MessageExpiry } from './domain/retention/expiry.js';
import { GroupRetention } from './domain/retention/group-retention.js';
import { RetentionJob } from './domain/retention/retention-job.js';
import { SearchService } from './domain/search/search-service.js';
import { UserBanService } from './domain/users/user-ban.js';
import { UserErasureService } from './domain/users/user-erasure.js';
import { UserExporter } from './domain/users/user-export.js';
import { UserService } from './domain/users/user-service.js';
import { UserSessions } from './domain/users/user-sessions.js';
import { InProcessDelivery, type WebhookDelivery, WorkerDelivery } from './domain/webhooks/delivery-thread.js';
import { WebhookDispatcher } from './domain/webhooks/dispatcher.js';
import { GroupWebhooks } from './domain/webhooks/group-events.js';
import { MessageWebhooks } from './domain/webhooks/message-events.js';
import { PresenceWebhooks } from './domain/webhooks/presence-events.js';
import { WebhookAdmin } from './domain/webhooks/webhook-admin.js';
import { WebhookEndpoint } from './domain/webhooks/webhook-endpoint.js';
import { WebhookEvents } from './domain/webhooks/webhook-events.js';
import { instrumentBus } from './observability/bus-metrics.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import type { Bus } from './ports/bus.js';
import type { FileStore } from './ports/files.js';
import type { MessageRef, Storage } from './ports/storage/index.js';
import { createHttpServer } from './transports/http/server.js';
import { WsGateway } from './transports/ws/gateway.js';
import { wsProtocolDescription } from './transports/ws/protocol-doc.js';
import { WkGateway } from './transports/wukongim/gateway.js';
import { compiledWorker } from './worker-script.js';

export interface ParleyServer {
  ctx: AppContext;
  /** The base URL once listening, e.g. http://127.0.0.1:5280 */
  url: string;
  port: number;
  /** Where this node's webhook deliveries run (a worker thread unless it could not start: docs/webhooks.md). */
  webhookDelivery(): 'worker' | 'main thread';
  /** Fault tests: ends the webhook worker as a crash would (false without one); delivery goes on on the main thread. */
  crashWebhookWorker(): Promise<boolean>;
  /** The WuKongIM gateway's own port, when PARLEY_WUKONGIM_PORT asks for one. */
  wukongimPort?: number;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Injected by tests and multi-node setups; by default opened from the config. */
  storage?: Storage;
  bus?: Bus;
  files?: FileStore;
  /** Server time in ms (Date.now by default); tests that need equal timestamps pass their own. */
  clock?: () => number;
  /**
   * Where webhook deliveries run: a worker thread (the default, when the store can be opened a second
   * time and the compiled worker exists) or the main thread, whose loop follows `clock`.
   */
  webhookDelivery?: 'worker' | 'main thread';
}

/** Wires adapters, domain and transports together and starts listening. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<ParleyServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  // The bus first: an unreachable broker stops the start before the database is touched.
  const bus = instrumentBus(options.bus ?? (await openBus(config.busUrl, config.busPrefix)), metrics);
  const storage = options.storage ?? (await openStorage(config, log));
  metrics.watchWalCheckpoints(() => storage.walCheckpoints?.());
  const clock = options.clock ?? Date.now;
  const expiry = new MessageExpiry(storage, config.retention.defaultDays, clock);
  const visibility = new MessageVisibility(storage, expiry);
  const router: DeliveryRouter = new DeliveryRouter(
    bus,
    (uid) => storage.channels.superGroupsOf(uid),
    (uids, about) => visibility.whoCanSee(uids, about as MessageRef),
    // Read only after start: messageActions is made below, on the router.
    missedAfterJoin((): MessageActions => messageActions),
  );
  metrics.watchOnlineUsers(() => router.userCount);
  // The bus lost messages while its broker was away: the router has every client in the cluster pull what it missed.
  bus.onGap(() => log.warn({ bus: bus.status() }, 'bus reconnected: telling the clients here and on the other nodes to resync'));
  // A node that dies between a commit and its publish: the others' clients resync.
  const nodeWatch = new NodeWatch(router);
  const presence = new PresenceService(router, storage.presence, {
    graceMs: config.presenceGraceMs,
    maxSubscriptions: config.presenceMaxSubscriptions,
    clock,
    // A node on a bus of its own has no other node to hear of: its directory is complete at once.
    warmupMs: !options.bus && bus.status().kind === 'memory' ? 0 : undefined,
  });
  nodeWatch.onNodeDied((node) => presence.directory.nodeDied(node));
  nodeWatch.onNodeBack((node) => presence.directory.nodeBack(node));
  // Group messages go once per node holding recipients, found in the directory (docs/scale-out.md).
  presence.directory.usePeers(() => nodeWatch.peerNames());
  router.useLocator(presence.directory);
  metrics.watchFanout(() => router.fanoutByNode);
  // What the other nodes said about who is connected there may be lost with the rest: they say it again.
  bus.onGap(() => presence.directory.askForSnapshots());
  // An erased user's tokens are refused from the moment the erasure began, and a banned user's while
  // banned, on every node: both in one read per verification.
  const tokens = new TokenService(config.appSecret, config.tokenTtlSeconds, async (uid) => {
    const { erasedAt, bannedAt, tokensRevokedAt } = await storage.users.tokenStanding(uid);
    const revokedUpTo = Math.max(erasedAt ?? 0, tokensRevokedAt);
    return { revokedUpTo: revokedUpTo > 0 ? revokedUpTo : undefined, bannedAt };
  });
  const users = new UserService(storage, tokens, (user) => presence.profileChanged(user));
  // Webhooks: the URL in force (admin API or PARLEY_WEBHOOK_URL), read before anything can write events.
  const endpoint = new WebhookEndpoint(storage.webhookOutbox, config.webhook.url, router);
  await endpoint.refresh();
  const ids = new MessageIdGenerator(config.nodeId);
  const webhookEvents = new WebhookEvents(endpoint, ids, clock);
  // Recipients online anywhere (the presence directory); users coming and going, once per cluster.
  const online = new NodeOnlineCheck(presence.directory, presence);
  const messageWebhooks = new MessageWebhooks(webhookEvents, online, storage);
  const presenceWebhooks = new PresenceWebhooks(webhookEvents, storage.webhookOutbox, online, log);
  const batcher = new SendBatcher(
    (batch) => storage.messages.commit(batch),
    2000,
    (size, seconds) => {
      metrics.commitBatch.observe(size);
      metrics.commitSeconds.observe(seconds);
    },
    storage.commitConcurrency,
  );
  let shuttingDown = false;
  const rateLimit = new SharedRateLimit(new RateLimiter(config.limits.sendRatePerSec, config.limits.sendBurst), router);
  const conversations = new ConversationService(storage, router, config.limits, clock, expiry, webhookEvents);
  const messageActions = new MessageActions(storage, router, conversations, config.limits, clock, expiry, messageWebhooks);
  const chunkRate = new SharedRateLimit(
    new RateLimiter(config.limits.streamChunkRatePerSec, Math.max(1, 2 * config.limits.streamChunkRatePerSec)),
    router,
    100,
    clock,
    'rate.stream_chunks',
  );
  const streams = new MessageStreams(
    storage,
    router,
    messageActions,
    config.limits,
    clock,
    messageWebhooks,
    (error) => log.error({ err: error }, 'closing idle streams failed; the next sweep tries again'),
    chunkRate,
  );
  const messages = new MessageService({
    storage,
    router,
    batcher,
    ids,
    rateLimiter: rateLimit,
    limits: config.limits,
    conversations,
    clock,
    expiry,
    onResult: (reason) => metrics.sends.add(reason),
    webhooks: messageWebhooks,
  });
  const webhookMetrics = {
    onDelivered: (n: number) => metrics.webhookDelivered.inc(n),
    onFailed: (died: number) => {
      metrics.webhookFailures.inc();
      metrics.webhookDeadLetters.inc(died);
    },
  };
  const owner = `node-${config.nodeId}`;
  const inProcessDispatcher = () =>
    new WebhookDispatcher({
      store: storage.webhookOutbox,
      endpoint,
      config: config.webhook,
      owner,
      unreadTotal: (uid) => conversations.totalUnread(uid),
      clock,
      log,
      ...webhookMetrics,
    });
  // The delivery loop on a worker thread with its own connection (docs/webhooks.md, Where delivery
  // runs), unless the store cannot be opened twice or the caller asked for the main thread.
  const workerScript = compiledWorker(import.meta.url, 'webhook-worker.js');
  const dispatcher: WebhookDelivery =
    storage.source && workerScript && options.webhookDelivery !== 'main thread'
      ? new WorkerDelivery({
          script: workerScript,
          start: { source: storage.source, config: config.webhook, owner, retentionDefaultDays: config.retention.defaultDays },
          log,
          ...webhookMetrics,
          fallback: inProcessDispatcher,
          wanted: () => endpoint.url !== undefined,
        })
      : new InProcessDelivery(inProcessDispatcher());
  webhookEvents.onEvent(() => dispatcher.nudge());
  endpoint.onChange(() => dispatcher.endpointChanged());
  endpoint.watch(WEBHOOK_URL_REFRESH_MS);
  const retentionJob = new RetentionJob(storage, { ...config.retention, clock, log });
  const groupWebhooks = new GroupWebhooks(webhookEvents);
  const groups = new GroupService(storage, users, router, groupWebhooks);
  const memberGroups = new MemberGroups(storage);
  const files = options.files ?? localDiskFiles(path.join(config.dataDir, 'files'));
  const ctx: AppContext = {
    config,
    log,
    metrics,
    storage,
    files,
    router,
    tokens,
    users,
    userExport: new UserExporter(storage, files),
    userErasure: new UserErasureService({ storage, files, router, conversations, messageActions, log }),
    userBan: new UserBanService({ storage, router }),
    sessions: new UserSessions(storage, router, clock),
    groups,
    directory: new AdminDirectory(storage, users),
    memberGroups,
    devGroups: new DevGroups({ storage, users, groups, memberGroups, messages, log }),
    conversations,
    messageActions,
    streams,
    search: new SearchService(storage, expiry),
    syncOnce: new SyncOnceService(storage.syncOnce),
    groupRetention: new GroupRetention(storage, config.retention.defaultDays, groupWebhooks),
    retentionJob,
    messages,
    webhooks: new WebhookAdmin(storage.webhookOutbox, endpoint, config.webhook.secret !== config.appSecret, clock, () =>
      dispatcher.nudge(),
    ),
    presence,
    typing: new TypingService(storage, router, {
      intervalMs: config.typingIntervalMs,
      expiresMs: config.typingExpiresMs,
      maxMembers: config.typingMaxMembers,
      clock,
    }),
    isShuttingDown: () => shuttingDown,
  };

  // No client before this node's topic is held: the others publish to it once they know its devices.
  await router.ready;
  const http = await createHttpServer(ctx, { apiDescription: wsProtocolDescription });
  const gateway = new WsGateway(ctx, http.server);
  const wukongim = new WkGateway(ctx, http.server);
  await http.listen({ port: config.port, host: config.host });
  const port = (http.server.address() as AddressInfo).port;
  const wukongimPort = config.wukongimPort === undefined ? undefined : await wukongim.listen(config.wukongimPort, config.host);
  retentionJob.start();
  streams.start();
  await dispatcher.start();
  if (config.mode === 'development') {
    log.warn(
      'DEVELOPMENT MODE: anyone can log in as any uid (POST /v1/dev/login) and the app secret is public. Set PARLEY_MODE=production for real use.',
    );
  }
  log.info({ port, storage: storage.dialect, bus: bus.status().kind, mode: config.mode }, `Parley listening on http://localhost:${port}`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      // Sends already accepted are stored and acked; new ones are refused from here on.
      await batcher.close();
      await retentionJob.close();
      await streams.close();
      rateLimit.close();
      chunkRate.close();
      nodeWatch.close();
      // The other nodes, if any, report the users leaving with this node's connections; alone, it does.
      presence.depart();
      await gateway.close();
      await wukongim.close();
      await presence.close();
      // The users who left with the gateway are reported, then the loop stops (what is pending waits in the outbox).
      await presenceWebhooks.flush();
      endpoint.unwatch();
      await dispatcher.close();
      await http.close();
      await bus.close();
      if (!options.storage) await storage.close();
      log.info('Parley stopped');
    })();
    return closing;
  };
  return {
    ctx,
    url: `http://127.0.0.1:${port}`,
    port,
    webhookDelivery: () => dispatcher.where,
    crashWebhookWorker: () => dispatcher.crashWorker(),
    ...(wukongimPort === undefined ? {} : { wukongimPort }),
    close,
  };
}

/** How often a node reads the webhook's URL again on its own, in case a change's broadcast was lost. */
const WEBHOOK_URL_REFRESH_MS = 5000;
