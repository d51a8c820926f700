import { useQuery } from '@tanstack/react-query';
import { apiRequest, identityPath, oidcPath } from '../api/api-client.ts';
import type { Account, Consent, Dependent, Passkey, SessionInfo } from '../api/identity.types.ts';

/**
 * The citizen's calls. No token here: the browser sends the HttpOnly session cookie
 * (`__Host-dinhdanh-session`, same origin) and JavaScript never sees it.
 */
export const citizenApi = {
  get: <T>(path: string, signal?: AbortSignal) =>
    apiRequest<T>(path, { method: 'GET', ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body: unknown = {}) => apiRequest<T>(path, { method: 'POST', body }),
  delete: <T>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

export const meKey = ['identity', 'me'] as const;

/** The signed-in account; a 401 means there is no session (the layout sends the citizen to log in). */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => citizenApi.get<Account>(identityPath('me'), signal),
    staleTime: 10_000,
  });
}

/** Lists may come bare or wrapped as `{ items }`. */
export function items<T>(data: T[] | { items: T[] } | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.items;
}

export function useSessions() {
  return useQuery({
    queryKey: ['identity', 'me', 'sessions'],
    queryFn: ({ signal }) =>
      citizenApi.get<SessionInfo[] | { items: SessionInfo[] }>(identityPath('me', 'sessions'), signal),
    select: items,
  });
}

export function usePasskeys() {
  return useQuery({
    queryKey: ['identity', 'me', 'passkeys'],
    queryFn: ({ signal }) =>
      citizenApi.get<Passkey[] | { items: Passkey[] }>(identityPath('me', 'passkeys'), signal),
    select: items,
  });
}

export function useDependents() {
  return useQuery({
    queryKey: ['identity', 'me', 'dependents'],
    queryFn: ({ signal }) =>
      citizenApi.get<Dependent[] | { items: Dependent[] }>(identityPath('me', 'dependents'), signal),
    select: items,
  });
}

export function useConsents() {
  return useQuery({
    queryKey: ['oidc', 'me', 'consents'],
    queryFn: ({ signal }) =>
      citizenApi.get<Consent[] | { items: Consent[] }>(oidcPath('me', 'consents'), signal),
    select: items,
  });
}

/** The account's display name, whichever field the server filled. */
export function accountName(account: Account | null | undefined): string {
  return account?.fullName ?? account?.name ?? '';
}
