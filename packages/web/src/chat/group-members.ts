import { serverUrl } from '../session/api';

/** The uids of a group's members (`GET /v1/groups/{groupId}/members`), for the @ suggestions; none when it fails. */
export async function memberUids(token: string, groupId: string): Promise<string[]> {
  try {
    const res = await fetch(`${serverUrl()}/v1/groups/${encodeURIComponent(groupId)}/members`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) return [];
    const body = (await res.json()) as { members: Array<{ uid: string }> };
    return body.members.map((m) => m.uid);
  } catch {
    return [];
  }
}
