import { type ChannelAddress, connect, type LocalMessage, type ParleyClient, type SocketFactory, type SocketLike } from '@parley/client';
import WebSocket from 'ws';

export interface Push {
  event: string;
  data: any;
}

/** `<channelType>:<channelId>`, the channel as this device's user names it (the peer's uid for 1:1). */
export const keyOf = (channel: { channelType: number; channelId: string }): string => `${channel.channelType}:${channel.channelId}`;

/**
 * One device as an app runs it: the SDK (`@parley/client`) given every node's URL, showing some
 * channels. It records what the app is handed (`onNewMessage`, per channel, in order) and, beneath
 * the SDK, every push its socket received: a test can then tell what the bus delivered from what the
 * SDK fetched to fill a gap, and which node each connection went to.
 */
export class SdkDevice {
  readonly pushes: Push[] = [];
  /** The URL of every socket opened, in order. */
  readonly dialled: string[] = [];
  private readonly handed = new Map<string, LocalMessage[]>();
  client!: ParleyClient;

  private constructor(readonly name: string) {}

  /** Connects to `urls[0]` (moving on along the list should it fail) as `deviceId`. */
  static async open(urls: readonly string[], token: string, deviceId: string): Promise<SdkDevice> {
    const device = new SdkDevice(deviceId);
    device.client = await connect({ url: urls, token, deviceId, socketFactory: device.tap });
    device.client.messages.onNewMessage.add('test', (m) => {
      const key = keyOf(m);
      device.handed.set(key, [...(device.handed.get(key) ?? []), m]);
    });
    return device;
  }

  /** The app opens these chats: from here on, each of their messages must reach onNewMessage once, in order. */
  async show(channels: readonly ChannelAddress[]): Promise<void> {
    for (const channel of channels) await this.client.messages.getOrSyncHistory({ channel });
  }

  /** What onNewMessage handed over for `channel`, in the order it did. */
  handedIn(channel: ChannelAddress): LocalMessage[] {
    return this.handed.get(keyOf(channel)) ?? [];
  }

  /** The seqs of the `message.new` pushes that came for `channel`, in arrival order. */
  pushedSeqs(channel: ChannelAddress): number[] {
    return this.pushes
      .filter((p) => p.event === 'message.new' && p.data.channelType === channel.channelType && p.data.channelId === channel.channelId)
      .map((p) => p.data.messageSeq as number);
  }

  eventsOf(event: string): any[] {
    return this.pushes.filter((p) => p.event === event).map((p) => p.data);
  }

  close(): void {
    this.client.close();
  }

  /** A real `ws` socket whose incoming pushes are noted before the SDK gets them. */
  private readonly tap: SocketFactory = (url) => {
    this.dialled.push(url);
    const ws = new WebSocket(url);
    const socket: SocketLike = {
      get readyState() {
        return ws.readyState;
      },
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
      onopen: null,
      onclose: null,
      onerror: null,
      onmessage: null,
    };
    ws.onopen = (ev) => socket.onopen?.(ev);
    ws.onerror = (ev) => socket.onerror?.(ev);
    ws.onclose = (ev) => socket.onclose?.({ code: ev.code, reason: ev.reason });
    ws.onmessage = (ev) => {
      const frame = JSON.parse(String(ev.data));
      if ('event' in frame) this.pushes.push(frame);
      socket.onmessage?.({ data: ev.data });
    };
    return socket;
  };
}
