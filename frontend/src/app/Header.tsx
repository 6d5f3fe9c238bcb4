import { useState } from 'react';
import { usePermissions } from '../features/auth/useSession.ts';
import { AccountMenu } from '../features/auth/AccountMenu.tsx';
import { Link, useLocation } from './router.tsx';
import { Logo } from './Logo.tsx';

interface NavItem {
  href: string;
  label: string;
  match: (path: string) => boolean;
}

/** The top bar: product, main navigation (by role) and the account menu; collapses to a menu button on phones. */
export function Header() {
  const { path } = useLocation();
  const permissions = usePermissions();
  const [menuOpen, setMenuOpen] = useState(false);

  const items: NavItem[] = [
    { href: '/documents', label: 'Documents', match: (p) => p.startsWith('/documents') },
    { href: '/chat', label: 'Chat', match: (p) => p.startsWith('/chat') },
  ];
  if (permissions.isAdmin) {
    items.push({ href: '/admin/users', label: 'Admin', match: (p) => p.startsWith('/admin') });
    items.push({ href: '/status', label: 'Status', match: (p) => p === '/status' });
  }

  return (
    <header className="header">
      <Link href="/" className="header-home" aria-label="On-prem RAG, home">
        <Logo />
      </Link>
      <button
        type="button"
        className="button button-ghost header-menu-button"
        aria-expanded={menuOpen}
        aria-controls="main-nav"
        onClick={() => setMenuOpen((v) => !v)}
      >
        Menu
      </button>
      <nav id="main-nav" className={`header-nav${menuOpen ? ' is-open' : ''}`} aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={item.match(path) ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <AccountMenu />
    </header>
  );
}
