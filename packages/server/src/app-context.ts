import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { AdminDirectory } from './domain/admin/directory.js';
import type { TokenService } from './domain/auth/tokens.js';
import type { DevGroups } from './domain/channels/dev-groups.js';
import type { GroupService } from './domain/channels/group-service.js';
import type { MemberGroups } from './domain/channels/member-groups.js';
import type { ConversationService } from './domain/conversations/conversation-service.js';
import type { DeliveryRouter } from './domain/delivery/router.js';
import type { MessageActions } from './domain/messages/message-actions.js';
import type { MessageService } from './domain/messages/message-service.js';
import type { MessageStreams } from './domain/messages/message-streams.js';
import type { SyncOnceService } from './domain/messages/sync-once-service.js';
import type { PresenceService } from './domain/presence/presence-service.js';
import type { TypingService } from './domain/presence/typing.js';
import type { GroupRetention } from './domain/retention/group-retention.js';
import type { RetentionJob } from './domain/retention/retention-job.js';
import type { SearchService } from './domain/search/search-service.js';
import type { UserBanService } from './domain/users/user-ban.js';
import type { UserErasureService } from './domain/users/user-erasure.js';
import type { UserExporter } from './domain/users/user-export.js';
import type { UserService } from './domain/users/user-service.js';
import type { UserSessions } from './domain/users/user-sessions.js';
import type { WebhookAdmin } from './domain/webhooks/webhook-admin.js';
import type { Metrics } from './observability/metrics.js';
import type { FileStore } from './ports/files.js';
import type { Storage } from './ports/storage/index.js';

/** What the transports (REST, WebSocket) are given: the domain services, never the adapters' insides. */
export interface AppContext {
  config: Config;
  log: Logger;
  metrics: Metrics;
  storage: Storage;
  files: FileStore;
  router: DeliveryRouter;
  tokens: TokenService;
  users: UserService;
  /** A user's data as one JSON document, streamed (GDPR access and portability). */
  userExport: UserExporter;
  /** A user's data erased, their messages left as placeholders (GDPR erasure). */
  userErasure: UserErasureService;
  userBan: UserBanService;
  /** The device policy, and signing a user out (kick, token revocation). */
  sessions: UserSessions;
  groups: GroupService;
  /** Users and groups found by id prefix (the admin console's search). */
  directory: AdminDirectory;
  /** Groups as their members read them. */
  memberGroups: MemberGroups;
  /** The web app's group actions in development mode (the routes refuse them otherwise). */
  devGroups: DevGroups;
  conversations: ConversationService;
  messages: MessageService;
  messageActions: MessageActions;
  /** Streamed messages: chunks, end, and this node's idle sweep. */
  streams: MessageStreams;
  /** Message search and the conversation list's search box. */
  search: SearchService;
  /** Messages sent with header.syncOnce, waiting for each recipient until acknowledged. */
  syncOnce: SyncOnceService;
  /** Groups' own retention settings (admin API). */
  groupRetention: GroupRetention;
  /** This node's background removal of expired messages (tests run it with `runOnce`). */
  retentionJob: RetentionJob;
  /** The webhook's URL, outbox and dead letters, as the admin API shows and sets them. */
  webhooks: WebhookAdmin;
  /** Who is online on any node, and the connections following them. */
  presence: PresenceService;
  /** "Someone is typing", forwarded and never stored. */
  typing: TypingService;
  /** True once shutdown began: new work is refused with `server.shutting_down`. */
  isShuttingDown(): boolean;
}
