const UID = /^[A-Za-z0-9_.@-]{1,64}$/;

export const UID_RULE = 'A user id is 1 to 64 letters, digits or _ . @ -';

export const isUid = (text: string): boolean => UID.test(text);

/** "bob, carol dave" → ['bob', 'carol', 'dave'], or the reason it is not a list of user ids. */
export function parseUids(text: string): string[] | string {
  const uids = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  if (uids.length === 0) return 'Enter at least one user id';
  const bad = uids.find((u) => !isUid(u));
  if (bad) return `“${bad}” is not a user id. ${UID_RULE}.`;
  if (uids.length > 100) return 'At most 100 at a time';
  return uids;
}
