/**
 * The protocol versions this gateway speaks, and which fields each has. SDK 1.0.4 (npm) speaks 2;
 * 3 adds `expire` to SEND and RECV; from 4 CONNACK carries the server version (header flag bit 0)
 * and a node id; 5 drops the stream fields. A session speaks the version its CONNECT named.
 */
export const MIN_VERSION = 2;
export const MAX_VERSION = 5;

export const isSupportedVersion = (v: number): boolean => v >= MIN_VERSION && v <= MAX_VERSION;

export const hasExpire = (v: number): boolean => v >= 3;
export const hasServerVersion = (v: number): boolean => v > 3;
export const hasNodeId = (v: number): boolean => v >= 4;

/** The setting bit that says a SEND carries a streamNo: 1<<2 in SDK 1.0.4's version 2, 1<<1 in 3 and 4, none from 5. */
export function streamBit(v: number): number {
  if (v <= 2) return 1 << 2;
  if (v < 5) return 1 << 1;
  return 0;
}

export const TOPIC_BIT = 1 << 3;
export const RECEIPT_BIT = 1 << 7;
