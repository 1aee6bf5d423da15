import type { Group } from '@parley/protocol';
import type { AdminApi } from '../api';
import { navigate } from '../route';
import { dateTime } from '../ui/format';
import { Link } from '../ui/Link';
import { PrefixList } from '../ui/PrefixList';

export const kindOf = (g: Pick<Group, 'channelType'>): string => (g.channelType === 3 ? 'Super group' : 'Group');

export function groupState(g: Group): string {
  const flags = [g.dismissed && 'dismissed', g.banned && 'banned', g.muteAll && 'everyone muted'].filter(Boolean);
  return flags.length ? flags.join(', ') : 'active';
}

/** Groups and super groups found by id prefix, 50 at a time in id order. */
export function GroupsPage({ api, prefix }: { api: AdminApi; prefix: string }) {
  return (
    <PrefixList
      title="Groups"
      noun="group"
      searchLabel="Group id prefix"
      hint="Case-sensitive. Empty lists every group and super group."
      prefix={prefix}
      onSearch={(p) => navigate({ page: 'groups', prefix: p })}
      load={async (p, cursor) => {
        const page = await api.groups(p, cursor);
        return { items: page.groups, cursor: page.cursor };
      }}
      columns={['Group', 'Name', 'Kind', 'Owner', 'Members', 'State', 'Created']}
      row={(g: Group) => (
        <tr key={g.groupId} data-group-id={g.groupId}>
          <th scope="row">
            <Link to={{ page: 'group', groupId: g.groupId }}>{g.groupId}</Link>
          </th>
          <td>{g.name}</td>
          <td>{kindOf(g)}</td>
          <td>{g.ownerUid}</td>
          <td>{g.memberCount}</td>
          <td>{groupState(g)}</td>
          <td>{dateTime(g.createdAt)}</td>
        </tr>
      )}
    />
  );
}
