import type { AdminApi } from './api';
import { ConfigPage } from './config/ConfigPage';
import { GroupPage } from './groups/GroupPage';
import { GroupsPage } from './groups/GroupsPage';
import { LivePage } from './live/LivePage';
import { type Route, type Section, sectionOf, useRoute } from './route';
import { Link } from './ui/Link';
import { UserPage } from './users/UserPage';
import { UsersPage } from './users/UsersPage';

const SECTIONS: Array<{ section: Section; label: string; to: Route }> = [
  { section: 'users', label: 'Users', to: { page: 'users', prefix: '' } },
  { section: 'groups', label: 'Groups', to: { page: 'groups', prefix: '' } },
  { section: 'live', label: 'Live figures', to: { page: 'live' } },
  { section: 'config', label: 'Configuration', to: { page: 'config' } },
];

function Screen({ api, route }: { api: AdminApi; route: Route }) {
  switch (route.page) {
    case 'users':
      return <UsersPage api={api} prefix={route.prefix} />;
    case 'user':
      return <UserPage key={route.uid} api={api} uid={route.uid} />;
    case 'groups':
      return <GroupsPage api={api} prefix={route.prefix} />;
    case 'group':
      return <GroupPage key={route.groupId} api={api} groupId={route.groupId} />;
    case 'live':
      return <LivePage api={api} />;
    case 'config':
      return <ConfigPage api={api} />;
  }
}

export function Console({ api, onSignOut }: { api: AdminApi; onSignOut: () => void }) {
  const route = useRoute();
  const section = sectionOf(route);
  return (
    <div className="admin">
      <header className="admin-bar">
        <span className="admin-brand">Parley admin</span>
        <nav aria-label="Console sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.section}>
                <Link to={s.to} current={s.section === section}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main className="admin-main">
        <Screen api={api} route={route} />
      </main>
    </div>
  );
}
