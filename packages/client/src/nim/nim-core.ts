import type { ParleyClient } from '../client.js';
import { NIMConversationManager } from './conversation-manager.js';
import { NimMessageService } from './message-service.js';

/**
 * NIM's server session service over a signed-in Parley client: `messageService` carries the
 * Flutter and Android names (`NimCore.instance.messageService`, `NIMClient.getService(MsgService.class)`),
 * `conversationManager` the iOS ones (`[NIMSDK sharedSDK].conversationManager`).
 */
export class NimCore {
  readonly messageService: NimMessageService;
  readonly conversationManager: NIMConversationManager;

  private constructor(client: ParleyClient) {
    this.messageService = new NimMessageService(client);
    this.conversationManager = new NIMConversationManager(client);
  }

  static over(client: ParleyClient): NimCore {
    return new NimCore(client);
  }
}
