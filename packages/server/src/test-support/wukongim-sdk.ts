import { vi } from 'vitest';
import WebSocket from 'ws';

/* The unmodified npm `wukongimjssdk@1.0.4`, driven under Node as an app drives it (reference §3). */
type Sdk = typeof import('wukongimjssdk/lib/sdk');

/** One acknowledgement as the SDK reports it (`addMessageStatusListener`). */
export interface WkAck {
  clientSeq: number;
  messageID: string;
  messageSeq: number;
  reasonCode: number;
}

/**
 * One WuKongIM app user: a fresh instance of the SDK's modules (it is a singleton per module
 * instance), connected to a Parley server's /v1/wukongim with a Parley token. It records the
 * connect statuses, the messages and the acks the SDK hands the app.
 */
export class WkUser {
  readonly statuses: Array<{ status: number; reasonCode: number }> = [];
  readonly messages: any[] = [];
  readonly acks: WkAck[] = [];

  private constructor(
    readonly uid: string,
    readonly sdk: Sdk,
    /** ConnectStatus from `lib/connect_manager` (not re-exported by `lib/sdk`). */
    readonly ConnectStatus: Record<string, number>,
  ) {}

  static async load(uid: string): Promise<WkUser> {
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    vi.resetModules();
    const sdk = await import('wukongimjssdk/lib/sdk');
    const { ConnectStatus } = await import('wukongimjssdk/lib/connect_manager');
    return new WkUser(uid, sdk, ConnectStatus as unknown as Record<string, number>);
  }

  get shared() {
    return this.sdk.WKSDK.shared();
  }

  /** Connects to `serverUrl` (http://host:port) the way a WuKongIM app does, only the address changed. */
  connect(serverUrl: string, token: string): void {
    const wk = this.shared;
    wk.config.addr = `${serverUrl.replace(/^http/, 'ws')}/v1/wukongim`;
    wk.config.uid = this.uid;
    wk.config.token = token;
    wk.connectManager.addConnectStatusListener((status: number, reasonCode?: number) =>
      this.statuses.push({ status, reasonCode: reasonCode ?? 0 }),
    );
    wk.chatManager.addMessageListener((m: any) => this.messages.push(m));
    wk.chatManager.addMessageStatusListener((ack: any) =>
      this.acks.push({
        clientSeq: ack.clientSeq,
        messageID: String(ack.messageID),
        messageSeq: ack.messageSeq,
        reasonCode: ack.reasonCode,
      }),
    );
    wk.connect();
  }

  get connected(): boolean {
    return this.statuses.at(-1)?.status === this.ConnectStatus.Connected;
  }

  sendText(text: string, channelId: string, channelType: number): Promise<any> {
    return this.shared.chatManager.send(new this.sdk.MessageText(text), new this.sdk.Channel(channelId, channelType));
  }

  /** What the SDK handed the app from others (its listener also gets the app's own sends). */
  received(): any[] {
    return this.messages.filter((m) => m.fromUID !== this.uid);
  }

  /** Stops the SDK's timers and socket so the process can end. */
  close(): void {
    const wk = this.shared as any;
    clearInterval(wk.receiptManager?.timer);
    wk.connectManager.needReconnect = false;
    wk.disconnect();
    wk.connectManager.stopReconnectTimer?.();
  }
}
