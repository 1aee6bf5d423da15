/** Why a send was refused, in words, for the WuKongIM reason codes a user can meet (the rest show their number). */
const reasons: Record<number, string> = {
  0: 'not connected',
  3: 'you are not a member',
  4: 'you are blocked',
  5: 'no such user or group',
  9: 'the message is malformed or too long',
  11: 'not allowed',
  13: 'only whitelisted members may send',
  15: 'server error',
  16: 'bad channel id',
  19: 'the group is banned',
  22: 'too fast, slow down',
  24: 'the group was dismissed',
  25: 'you are muted',
};

export const reasonText = (code: number): string => reasons[code] ?? `reason ${code}`;
