import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AccessLog,
  Household,
  PeopleSearch,
  PeopleSearchPage,
  Person,
  PersonHistory,
  Province,
  Relations,
} from '../api/api.types.ts';
import { registryPath } from '../api/api-client.ts';
import { useApi } from '../session/session.context.tsx';

// Query keys hold ID numbers and names; the cache is memory only and cleared at sign-out.

export function useProvinces() {
  const api = useApi();
  return useQuery({
    queryKey: ['admin-units', 'provinces'],
    queryFn: ({ signal }) => api.get<{ items: Province[] }>(registryPath('admin-units', 'provinces'), signal),
    select: (data) => data.items,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The 2025 communes of a province, for address and registration-place fields. */
export function useCommunes(provinceCode: string | null | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['admin-units', 'communes', provinceCode],
    queryFn: ({ signal }) =>
      api.get<{ items: Province[] }>(
        registryPath('admin-units', 'provinces', provinceCode!, 'communes'),
        signal,
      ),
    select: (data) => data.items,
    enabled: typeof provinceCode === 'string' && provinceCode !== '',
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** One page of a search; the previous page stays on screen while the next loads. */
export function usePeopleSearch(criteria: PeopleSearch | null) {
  const api = useApi();
  return useQuery({
    queryKey: ['people', 'search', criteria],
    queryFn: ({ signal }) => api.post<PeopleSearchPage>(registryPath('people', 'search'), criteria, signal),
    enabled: criteria !== null,
    placeholderData: keepPreviousData,
  });
}

export function usePerson(idNumber: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['people', idNumber],
    queryFn: ({ signal }) => api.get<Person>(registryPath('people', idNumber!), signal),
    enabled: idNumber !== undefined,
  });
}

export function useRelations(idNumber: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['people', idNumber, 'relations'],
    queryFn: ({ signal }) => api.get<Relations>(registryPath('people', idNumber!, 'relations'), signal),
    enabled: idNumber !== undefined,
  });
}

export function usePersonHistory(idNumber: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['people', idNumber, 'history'],
    queryFn: ({ signal }) => api.get<PersonHistory>(registryPath('people', idNumber!, 'history'), signal),
    select: (data) => data.events,
    enabled: idNumber !== undefined,
  });
}

export function useHousehold(householdId: string | null | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['households', householdId],
    queryFn: ({ signal }) => api.get<Household>(registryPath('households', householdId!), signal),
    enabled: typeof householdId === 'string',
  });
}

/** Supervisors only; the server records every read of the access log on the log itself. */
export function useAccessLog(idNumber: string | undefined, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['people', idNumber, 'access-log'],
    queryFn: ({ signal }) =>
      api.get<AccessLog>(
        `${registryPath('people', idNumber!, 'access-log')}?limit=${ACCESS_LOG_LIMIT}`,
        signal,
      ),
    select: (data) => data.items,
    enabled: enabled && idNumber !== undefined,
  });
}

export const ACCESS_LOG_LIMIT = 50;
