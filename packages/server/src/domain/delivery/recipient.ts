/** A live connection as delivery sees it; the WebSocket gateway implements it. */
export interface Recipient {
  readonly uid: string;
  /** Unique in the cluster: `<nodeId>:<n>`. */
  readonly connectionId: string;
  /** The device, for policies that single one out (absent on connections that are not devices). */
  readonly deviceId?: string;
  readonly deviceFlag?: number;
  /** When it signed in, ms: of two logins, the older is the one replaced. */
  readonly connectedAt?: number;
  /** Queue one text frame; a connection that cannot keep up closes itself. */
  sendText(text: string): void;
  /** Ends the connection with a WebSocket close code (the account was erased: `CloseCode.Kicked`). */
  close(code: number, reason: string): void;
}
