import { vi } from 'vitest';
import WebSocket from 'ws';

/* The unmodified npm `wukongimjssdk@1.0.4`, driven under Node as an app drives it (reference §3). */
type Sdk = any;

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
  /** The CMD messages the SDK handed `addCMDListener`. */
  readonly cmds: any[] = [];

  private constructor(
    readonly uid: string,
    readonly sdk: Sdk,
    /** ConnectStatus from `lib/connect_manager` (not re-exported by `lib/sdk`). */
    readonly ConnectStatus: Record<string, number>,
    /** `Setting` from `lib/proto` (the same module instance as `sdk`). */
    private readonly Setting: any,
  ) {}

  static async load(uid: string): Promise<WkUser> {
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    vi.resetModules();
    const sdk = await import('wukongimjssdk/lib/sdk');
    const { ConnectStatus } = await import('wukongimjssdk/lib/connect_manager');
    const { Setting } = await import('wukongimjssdk/lib/proto');
    return new WkUser(uid, sdk, ConnectStatus as unknown as Record<string, number>, Setting);
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
    wk.chatManager.addCMDListener((m: any) => this.cmds.push(m));
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

  /**
   * The data source as WuKongIM's demo app wires it (examples/src/services/datasource.ts): conversation
   * sync and message sync call the WuKongIM endpoints, here Parley's under /v1/wukongim/, with the
   * user's token; each answer is converted to the SDK's own model classes as the demo's `Convert` does.
   */
  wireDataSource(serverUrl: string, token: string): void {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${serverUrl}/v1/wukongim/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const provider = this.shared.config.provider;
    provider.syncConversationsCallback = async () => {
      const rows = (await post('conversation/sync', { uid: this.uid, msg_count: 1 })) as any[];
      return rows.map((row) => this.toConversation(row));
    };
    provider.syncMessagesCallback = async (channel: any, opts: any) => {
      const resp = await post('channel/messagesync', {
        login_uid: this.uid,
        channel_id: channel.channelID,
        channel_type: channel.channelType,
        start_message_seq: opts.startMessageSeq,
        end_message_seq: opts.endMessageSeq,
        pull_mode: opts.pullMode,
        limit: opts.limit,
      });
      return (resp.messages as any[]).map((m) => this.toMessage(m));
    };
    // As WuKongIM's reference app (TangSengDaoDao) wires it: extras past the version the app has.
    provider.syncMessageExtraCallback = async (channel: any, extraVersion: number, limit: number) => {
      const rows = (await post('message/extra/sync', {
        login_uid: this.uid,
        channel_id: channel.channelID,
        channel_type: channel.channelType,
        extra_version: extraVersion,
        limit,
      })) as any[];
      return rows.map((row) => this.toMessageExtra(row));
    };
    this.post = post;
  }

  /** POSTs to the user's /v1/wukongim/ data source (after `wireDataSource`). */
  post: (path: string, body: unknown) => Promise<any> = async () => {
    throw new Error('wireDataSource first');
  };

  private toConversation(row: any): any {
    const c = new this.sdk.Conversation();
    c.channel = new this.sdk.Channel(row.channel_id, row.channel_type);
    c.unread = row.unread || 0;
    c.timestamp = row.timestamp || 0;
    c.lastMessage = row.recents?.length ? this.toMessage(row.recents[0]) : undefined;
    c.extra = {};
    return c;
  }

  private toMessage(m: any): any {
    const msg = new this.sdk.Message();
    msg.messageID = m.message_idstr;
    msg.header.reddot = m.header?.red_dot === 1;
    msg.setting = this.Setting.fromUint8(m.setting);
    msg.clientSeq = m.client_seq;
    msg.channel = new this.sdk.Channel(m.channel_id, m.channel_type);
    msg.messageSeq = m.message_seq;
    msg.clientMsgNo = m.client_msg_no;
    msg.fromUID = m.from_uid;
    msg.timestamp = m.timestamp;
    const json = Buffer.from(m.payload, 'base64').toString('utf8');
    const content = this.sdk.MessageContentManager.shared().getMessageContent(JSON.parse(json).type);
    content.decode(new TextEncoder().encode(json));
    msg.content = content;
    msg.isDeleted = m.is_deleted === 1;
    msg.remoteExtra.revoke = m.revoke === 1;
    if (m.message_extra) msg.remoteExtra = this.toMessageExtra(m.message_extra);
    return msg;
  }

  /** A message extra as the SDK's `MessageExtra`, the edited content decoded as its type. */
  private toMessageExtra(e: any): any {
    const extra = new this.sdk.MessageExtra();
    extra.messageID = e.message_idstr;
    extra.messageSeq = e.message_seq;
    extra.channel = new this.sdk.Channel(e.channel_id, e.channel_type);
    extra.revoke = e.revoke === 1;
    extra.revoker = e.revoker;
    extra.readedCount = e.readed_count;
    extra.unreadCount = e.unread_count;
    extra.editedAt = e.edited_at;
    extra.extraVersion = e.extra_version;
    if (e.content_edit) {
      const data = new TextEncoder().encode(JSON.stringify(e.content_edit));
      const content = this.sdk.MessageContentManager.shared().getMessageContent(e.content_edit.type);
      content.decode(data);
      extra.contentEditData = data;
      extra.contentEdit = content;
      extra.isEdit = true;
    }
    return extra;
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
