import type { ChannelStore } from './channels.js';
import type { ConversationStore } from './conversations.js';
import type { MessageStateStore } from './message-state.js';
import type { MessageStore } from './messages.js';
import type { UserStore } from './users.js';

export type * from './channels.js';
export type * from './conversations.js';
export { isListedRow } from './conversations.js';
export type * from './message-state.js';
export { refKey } from './message-state.js';
export type * from './messages.js';
export type * from './users.js';

/**
 * Everything the domain persists, behind narrow ports. Each port states its own ordering and
 * atomicity rules; every adapter passes the same contract suite (`storage.contract.ts`).
 */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  readonly users: UserStore;
  readonly channels: ChannelStore;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  readonly messageState: MessageStateStore;
  /** Row counts per table: lets tests prove how many rows an operation wrote. */
  rowCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}
