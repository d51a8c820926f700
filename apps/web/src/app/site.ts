import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../api/api-client.ts';

/** `GET /api/site/v1`: this installation's mode, operating authority and (development) demo pages. */
export interface SiteInfo {
  mode: 'development' | 'production' | 'test';
  /** Null: the open-source system's neutral name, in the reader's language. */
  authorityName: string | null;
  /** Outside production; each page only when the server serves it. */
  demo: { relyingParty: string | null; outbox: string | null } | null;
}

export function useSite() {
  return useQuery({
    queryKey: ['site'],
    queryFn: ({ signal }) => apiRequest<SiteInfo>('/api/site/v1', { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * The authority operating this installation, as the header and footer name it. Undefined until
 * the server has answered, so a configured name never flashes the default first.
 */
export function useAuthorityName(): string | undefined {
  const { t } = useTranslation();
  const site = useSite();
  if (site.isPending) return undefined;
  return site.data?.authorityName ?? t('app.defaultAuthority');
}
