import type { ConnectionStatus } from '../connection.js';
import { KeyedListeners } from '../listeners.js';
import { WKConnectStatus } from './const.js';

/** The client's connection states as WuKongIM's (`closed` is the app's own doing and has none). */
const statusOf: Partial<Record<ConnectionStatus, number>> = {
  connecting: WKConnectStatus.connecting,
  connected: WKConnectStatus.success,
  reconnecting: WKConnectStatus.noNetwork,
  banned: WKConnectStatus.kicked,
  erased: WKConnectStatus.kicked,
  tokenExpired: WKConnectStatus.fail,
};

/**
 * WuKongIM's `connectionManager` listeners: `success` when connected, then `syncMsg` while the
 * conversations and their newest messages load, `syncCompleted` when they are in.
 */
export class WKConnectionManager {
  private readonly listeners = new KeyedListeners<[number, number]>();

  addOnConnectionStatusListener(key: string, back: (status: number, reasonCode: number) => void): void {
    if (key) this.listeners.add(key, back);
  }

  removeOnConnectionStatusListener(key: string): void {
    this.listeners.remove(key);
  }

  /** @internal */
  emitClient(status: ConnectionStatus): void {
    const wk = statusOf[status];
    // tokenExpired is an authentication failure: WuKongIM's ReasonAuthFail.
    if (wk !== undefined) this.listeners.emit(wk, status === 'tokenExpired' ? 2 : status === 'connected' ? 1 : 0);
  }

  /** @internal */
  emit(status: number): void {
    this.listeners.emit(status, 1);
  }
}
