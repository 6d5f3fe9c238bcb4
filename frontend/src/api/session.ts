import type { RestoredSessionDto, SessionDto, UserDto } from '@contracts/auth.ts';
import { UnauthorizedError, ForbiddenError } from './errors.ts';
import { apiUrl, readBody, send } from './http.ts';

/** Who is signed in; `expired` keeps the last user so the app can ask them to sign in again in place. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signedOut' }
  | { status: 'signedIn'; user: UserDto; accessToken: string }
  | { status: 'expired'; user: UserDto };

type Listener = () => void;

const REFRESH_MARGIN_MS = 30_000;

export type SessionStore = ReturnType<typeof createSessionStore>;

async function postAuth(path: string, body?: unknown): Promise<SessionDto> {
  const res = await send(apiUrl(path), {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await readBody(res)) as SessionDto;
}

/**
 * A session store, for `useSyncExternalStore`: who is signed in, and the calls that change it.
 * The app uses the one below; a test builds its own in the state it needs.
 */
export function createSessionStore(initial: SessionState = { status: 'loading' }) {
  let state = initial;
  const listeners = new Set<Listener>();
  let refreshing: Promise<string | null> | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  function setState(next: SessionState): void {
    state = next;
    for (const listener of listeners) listener();
  }

  function accept(dto: SessionDto): SessionState {
    clearTimeout(refreshTimer);
    // Refresh a little before the token runs out, so sockets and streams keep a valid one.
    const inMs = Math.max(5_000, dto.expiresIn * 1000 - REFRESH_MARGIN_MS);
    refreshTimer = setTimeout(() => void store.refresh(), inMs);
    const next: SessionState = { status: 'signedIn', user: dto.user, accessToken: dto.accessToken };
    setState(next);
    return next;
  }

  const store = {
    get: (): SessionState => state,
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** The current access token, or null when signed out. */
    token: (): string | null => (state.status === 'signedIn' ? state.accessToken : null),

    /**
     * On start: a valid refresh cookie signs the person in without a password. Being signed out is an
     * expected answer (200 `signedIn: false`), so a first visit logs no failed request.
     */
    async restore(): Promise<void> {
      try {
        const restored = (await postAuth('/auth/session')) as unknown as RestoredSessionDto;
        if (restored.signedIn) accept(restored);
        else setState({ status: 'signedOut' });
      } catch {
        setState({ status: 'signedOut' });
      }
    },

    async signIn(email: string, password: string): Promise<UserDto> {
      const dto = await postAuth('/auth/login', { email, password });
      accept(dto);
      return dto.user;
    },

    async signOut(): Promise<void> {
      clearTimeout(refreshTimer);
      const token = store.token();
      setState({ status: 'signedOut' });
      await send(apiUrl('/auth/logout'), { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch(() => undefined);
    },

    /**
     * Gets a new access token with the refresh cookie, once even when many calls ask at the same time.
     * When that fails the session is `expired`: the app asks for the password again, in place.
     */
    refresh(): Promise<string | null> {
      refreshing ??= postAuth('/auth/refresh')
        .then((dto) => (accept(dto) as { accessToken: string }).accessToken)
        .catch((err: unknown) => {
          if (err instanceof UnauthorizedError || err instanceof ForbiddenError) store.expire();
          return null;
        })
        .finally(() => {
          refreshing = null;
        });
      return refreshing;
    },

    /** The session ran out: keep the user so the sign-in prompt can greet them and nothing typed is lost. */
    expire(): void {
      clearTimeout(refreshTimer);
      if (state.status === 'signedIn') setState({ status: 'expired', user: state.user });
      else if (state.status !== 'expired') setState({ status: 'signedOut' });
    },
  };
  return store;
}

/** The app's session. */
export const session = createSessionStore();

export const restoreSession = (): Promise<void> => session.restore();
export const signIn = (email: string, password: string): Promise<UserDto> => session.signIn(email, password);
export const signOut = (): Promise<void> => session.signOut();
export const refreshSession = (): Promise<string | null> => session.refresh();
export const expireSession = (): void => session.expire();
