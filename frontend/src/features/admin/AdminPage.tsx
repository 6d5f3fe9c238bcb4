import { Link, useLocation } from '../../app/router.tsx';
import { NotFoundPage } from '../../app/PageStates.tsx';
import { ApiKeysAdmin } from './ApiKeysAdmin.tsx';
import { AuditLog } from './AuditLog.tsx';
import { CollectionsAdmin } from './CollectionsAdmin.tsx';
import { FeedbackAdmin } from './FeedbackAdmin.tsx';
import { SettingsAdmin } from './SettingsAdmin.tsx';
import { UsersAdmin } from './UsersAdmin.tsx';
import './admin.css';

const SECTIONS = [
  { path: '/admin/users', label: 'Users', render: () => <UsersAdmin /> },
  { path: '/admin/api-keys', label: 'API keys', render: () => <ApiKeysAdmin /> },
  { path: '/admin/collections', label: 'Collections', render: () => <CollectionsAdmin /> },
  { path: '/admin/settings', label: 'Settings', render: () => <SettingsAdmin /> },
  { path: '/admin/feedback', label: 'Feedback', render: () => <FeedbackAdmin /> },
  { path: '/admin/audit', label: 'Audit log', render: () => <AuditLog /> },
];

/** Administration, one section per address; loaded only when an admin opens it. */
export default function AdminPage() {
  const { path } = useLocation();
  const section = SECTIONS.find((s) => s.path === path) ?? (path === '/admin' ? SECTIONS[0] : undefined);
  return (
    <div className="page admin">
      <div className="page-head">
        <h1>Administration</h1>
      </div>
      <nav className="tabs" aria-label="Administration sections">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.path}>
              <Link href={s.path} aria-current={s === section ? 'page' : undefined}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {section ? section.render() : <NotFoundPage />}
    </div>
  );
}
