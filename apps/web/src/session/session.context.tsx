import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { Me, OfficerRole } from '../api/api.types.ts';
import { ApiError, apiRequest } from '../api/api-client.ts';
import { forgetPersonRefs } from './person-refs.ts';

/** Why the last session ended, for the notice on the sign-in page. */
export type EndReason = 'signedOut' | 'expired';

interface Session {
  token: string;
  me: Me;
  /** From /me; anything but `supervisor` is treated as a plain officer. */
  role: OfficerRole;
}

interface SessionContextValue {
  session: Session | null;
  endReason: EndReason | null;
  signIn: (token: string, me: Me) => void;
  signOut: (reason: EndReason) => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Holds the officer's bearer token in React state and nowhere else: not in web storage,
 * cookies or the address bar. Reloading the page signs the officer out, by design.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(null);
  const [endReason, setEndReason] = useState<EndReason | null>(null);

  const signIn = useCallback((token: string, me: Me) => {
    setEndReason(null);
    setSession({ token, me, role: me.role === 'supervisor' ? 'supervisor' : 'officer' });
  }, []);

  const signOut = useCallback(
    (reason: EndReason) => {
      setSession(null);
      setEndReason(reason);
      // Nothing read under this session may outlive it.
      void queryClient.cancelQueries();
      queryClient.clear();
      forgetPersonRefs();
    },
    [queryClient],
  );

  const value = useMemo(
    () => ({ session, endReason, signIn, signOut }),
    [session, endReason, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const context = useContext(SessionContext);
  if (!context) throw new Error('useSession outside SessionProvider');
  return context;
}

export interface Api {
  get: <T>(path: string, signal?: AbortSignal) => Promise<T>;
  post: <T>(path: string, body: unknown, signal?: AbortSignal) => Promise<T>;
  delete: <T>(path: string, signal?: AbortSignal) => Promise<T>;
}

/** API calls with the session's token; a 401 ends the session and sends the officer to sign in. */
export function useApi(): Api {
  const { session, signOut } = useSession();
  const token = session?.token;
  return useMemo(() => {
    const call = async <T,>(
      path: string,
      method: 'GET' | 'POST' | 'DELETE',
      body: unknown,
      signal?: AbortSignal,
    ) => {
      if (!token) throw new ApiError(401, 'ERR_UNAUTHENTICATED');
      try {
        return await apiRequest<T>(path, { token, method, body, ...(signal ? { signal } : {}) });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) signOut('expired');
        throw error;
      }
    };
    return {
      get: <T,>(path: string, signal?: AbortSignal) => call<T>(path, 'GET', undefined, signal),
      post: <T,>(path: string, body: unknown, signal?: AbortSignal) => call<T>(path, 'POST', body, signal),
      delete: <T,>(path: string, signal?: AbortSignal) => call<T>(path, 'DELETE', undefined, signal),
    };
  }, [token, signOut]);
}
