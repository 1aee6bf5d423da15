/**
 * A 1:1 channel is stored once, under both uids sorted and joined by `|` (not a uid character);
 * each side names it by the other's uid.
 */
export const personChannelId = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

export function peerOf(channelId: string, viewerUid: string): string {
  const bar = channelId.indexOf('|');
  const first = channelId.slice(0, bar);
  return first === viewerUid ? channelId.slice(bar + 1) : first;
}
