import { lazy, Suspense, useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { closeSocket } from '../api/socket.ts';
import { SessionExpiredDialog } from '../features/auth/SessionExpiredDialog.tsx';
import { SignInPage } from '../features/auth/SignInPage.tsx';
import { permissionsOf, useSession } from '../features/auth/useSession.ts';
import { Toaster } from '../ui/toast.tsx';
import { Header } from './Header.tsx';
import { navigate, useLocation } from './router.tsx';
import { NotFoundPage, PageLoading } from './PageStates.tsx';

const DocumentsPage = lazy(() => import('../features/documents/DocumentsPage.tsx'));
const DocumentPage = lazy(() => import('../features/documents/DocumentPage.tsx'));
const ChatPage = lazy(() => import('../features/chat/ChatPage.tsx'));
const AdminPage = lazy(() => import('../features/admin/AdminPage.tsx'));
const StatusPage = lazy(() => import('../features/status/StatusPage.tsx'));

/** Signed out: the sign-in page. Signed in: the dashboard; an expired session asks again in place. */
export function App() {
  const state = useSession();
  const queryClient = useQueryClient();
  const userId = state.status === 'signedIn' || state.status === 'expired' ? state.user.id : null;
  const lastUser = useRef(userId);

  // Another person signed in: nothing cached for the previous one may show.
  useEffect(() => {
    if (userId !== lastUser.current && userId !== null && lastUser.current !== null) queryClient.clear();
    if (state.status === 'signedOut') {
      queryClient.clear();
      closeSocket();
    }
    if (userId !== null) lastUser.current = userId;
  }, [userId, state.status, queryClient]);

  if (state.status === 'loading') return <PageLoading label="Starting…" />;
  if (state.status === 'signedOut') return <SignInPage />;
  return (
    <>
      <div className="app" inert={state.status === 'expired' ? true : undefined}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Header />
        <Routes />
        <Toaster />
      </div>
      {state.status === 'expired' && <SessionExpiredDialog email={state.user.email} />}
    </>
  );
}

function Routes() {
  const { path } = useLocation();
  const permissions = permissionsOf(useSession());
  // Viewers can only ask, so they start in the chat.
  const home = permissions.canEdit ? '/documents' : '/chat';

  useEffect(() => {
    if (path === '/' || path === '') navigate(home, { replace: true });
  }, [path, home]);

  let page;
  if (path === '/documents') page = <DocumentsPage />;
  else if (path.startsWith('/documents/')) page = <DocumentPage id={decodeURIComponent(path.slice('/documents/'.length))} />;
  else if (path === '/chat' || path.startsWith('/chat/')) page = <ChatPage />;
  else if (path.startsWith('/admin') && permissions.isAdmin) page = <AdminPage />;
  else if (path === '/status' && permissions.isAdmin) page = <StatusPage />;
  else if (path === '/' || path === '') page = null;
  else page = <NotFoundPage />;

  return (
    <main id="main" className="main" tabIndex={-1}>
      <Suspense fallback={<PageLoading label="Loading page…" />}>{page}</Suspense>
    </main>
  );
}
