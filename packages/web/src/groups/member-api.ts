import type { GroupMember } from '@parley/protocol';
import { call, type GroupInfo } from '../session/api';

/** Who is in a group you are in: its first 1000 members, in joining order (GET /v1/groups/{id}/members). */
export async function getGroupMembers(token: string, groupId: string): Promise<GroupMember[]> {
  return (await call<{ members: GroupMember[] }>('GET', `/v1/groups/${encodeURIComponent(groupId)}/members`, { token })).members;
}

/** Development mode: posts "<you> left the group", then removes you; the owner cannot leave. */
export function leaveGroup(token: string, groupId: string): Promise<GroupInfo> {
  return call('POST', `/v1/dev/groups/${encodeURIComponent(groupId)}/leave`, { token });
}
