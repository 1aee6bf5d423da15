import { getGroupMembers } from '../groups/member-api';

/** The uids of a group's members, for the @ suggestions; none when the read fails. */
export async function memberUids(token: string, groupId: string): Promise<string[]> {
  try {
    return (await getGroupMembers(token, groupId)).map((m) => m.uid);
  } catch {
    return [];
  }
}
