import type { AdminApi } from '../api';
import { navigate } from '../route';
import { dateTime } from '../ui/format';
import { Link } from '../ui/Link';
import { PrefixList } from '../ui/PrefixList';

/** Users found by uid prefix (case-sensitive), 50 at a time in uid order. */
export function UsersPage({ api, prefix }: { api: AdminApi; prefix: string }) {
  return (
    <PrefixList
      title="Users"
      noun="user"
      searchLabel="Uid prefix"
      hint="Case-sensitive. Empty lists every user."
      prefix={prefix}
      onSearch={(p) => navigate({ page: 'users', prefix: p })}
      load={async (p, cursor) => {
        const page = await api.users(p, cursor);
        return { items: page.users, cursor: page.cursor };
      }}
      columns={['Uid', 'Name', 'Registered', 'Updated']}
      row={(u) => (
        <tr key={u.uid} data-uid={u.uid}>
          <th scope="row">
            <Link to={{ page: 'user', uid: u.uid }}>{u.uid}</Link>
          </th>
          <td>{u.name}</td>
          <td>{dateTime(u.createdAt)}</td>
          <td>{dateTime(u.updatedAt)}</td>
        </tr>
      )}
    />
  );
}
