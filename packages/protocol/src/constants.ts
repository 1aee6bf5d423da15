/**
 * Plain constants, importable without the schemas (`@parley/protocol/constants`): what a browser
 * bundle needs at run time is only these.
 */

/** WebSocket close codes the server uses, beyond the standard ones. */
export const CloseCode = {
  AuthFailed: 4001,
  AuthTimeout: 4002,
  TokenExpired: 4003,
  SlowConsumer: 4008,
  Idle: 4009,
  Kicked: 4010,
  ShuttingDown: 1001,
} as const;

export const EventName = {
  MessageNew: 'message.new',
  MessageUpdated: 'message.updated',
  ConversationUpdated: 'conversation.updated',
  ConversationDeleted: 'conversation.deleted',
  PinnedConversation: 'multiDevice.pinnedConversation',
  UnpinnedConversation: 'multiDevice.unpinnedConversation',
  DeleteRoaming: 'multiDevice.deleteRoaming',
} as const;
