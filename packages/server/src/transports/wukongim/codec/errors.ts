/** Bytes that are not a WuKongIM packet: the gateway closes the connection that sent them. */
export class WkCodecError extends Error {
  override readonly name = 'WkCodecError';
}
