import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi, useSession } from '../../session/session.context.tsx';
import type { Agency, AgencyRegistration, DeadLetter, MatchingJob, UsageRow } from './exchange.types.ts';

/** `/api/exchange/v1/admin/…` with every segment encoded. */
export function exchangeAdminPath(...segments: string[]): string {
  return `/api/exchange/v1/admin/${segments.map(encodeURIComponent).join('/')}`;
}

/** The exchange is administered by national-level supervisors only; the API answers 403 to anyone else. */
export function useIsNationalSupervisor(): boolean {
  const { session } = useSession();
  return session?.role === 'supervisor' && session.me.unit.code === 'VN';
}

const agenciesKey = ['exchange', 'admin', 'agencies'] as const;
const deadLettersKey = ['exchange', 'admin', 'dead-letters'] as const;

export const USAGE_DAYS = 30;

export function useAgencies() {
  const api = useApi();
  const enabled = useIsNationalSupervisor();
  return useQuery({
    queryKey: agenciesKey,
    queryFn: ({ signal }) => api.get<{ items: Agency[] }>(exchangeAdminPath('agencies'), signal),
    select: (data) => data.items,
    enabled,
  });
}

/** Agency id → name, for the pages that list ids only. */
export function useAgencyNames(): ReadonlyMap<string, string> {
  const agencies = useAgencies();
  return new Map((agencies.data ?? []).map((agency) => [agency.agencyId, agency.name]));
}

export function useRegisterAgency() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (registration: AgencyRegistration) =>
      api.post<Agency>(exchangeAdminPath('agencies'), registration),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: agenciesKey }),
  });
}

export function useDisableAgency() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (agencyId: string) => api.delete<void>(exchangeAdminPath('agencies', agencyId)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: agenciesKey }),
  });
}

export function useUsage(agencyId: string | null) {
  const api = useApi();
  const enabled = useIsNationalSupervisor();
  const query = new URLSearchParams({ days: String(USAGE_DAYS) });
  if (agencyId) query.set('agencyId', agencyId);
  return useQuery({
    queryKey: ['exchange', 'admin', 'usage', USAGE_DAYS, agencyId],
    queryFn: ({ signal }) =>
      api.get<{ items: UsageRow[] }>(`${exchangeAdminPath('usage')}?${query.toString()}`, signal),
    select: (data) => data.items,
    enabled,
  });
}

const activeStatuses = new Set(['uploading', 'queued', 'matching']);

export function useMatchingJobs() {
  const api = useApi();
  const enabled = useIsNationalSupervisor();
  return useQuery({
    queryKey: ['exchange', 'admin', 'jobs'],
    queryFn: ({ signal }) => api.get<{ items: MatchingJob[] }>(exchangeAdminPath('jobs'), signal),
    select: (data) => data.items,
    enabled,
    // Progress moves while a job runs; nothing changes once all are done or failed.
    refetchInterval: (query) =>
      query.state.data?.items.some((job) => activeStatuses.has(job.status)) ? 3_000 : false,
  });
}

export function useDeadLetters() {
  const api = useApi();
  const enabled = useIsNationalSupervisor();
  return useQuery({
    queryKey: deadLettersKey,
    queryFn: ({ signal }) => api.get<{ items: DeadLetter[] }>(exchangeAdminPath('dead-letters'), signal),
    select: (data) => data.items,
    enabled,
  });
}

export function useRedeliver() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      api.post<void>(exchangeAdminPath('dead-letters', deliveryId, 'redeliver'), undefined),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deadLettersKey }),
  });
}
