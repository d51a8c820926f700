import type { Problem } from './api.types.ts';

/**
 * A failed API call. `code` is the platform's stable error code (or a local one:
 * ERR_NETWORK when the server could not be reached, ERR_BAD_RESPONSE when it answered
 * something that is not JSON).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;

  constructor(status: number, code: string, problem?: Problem) {
    super(problem?.detail ?? problem?.title ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}

export interface RequestOptions {
  /**
   * The officer's bearer token. Without one the call is a citizen's: it carries the
   * HttpOnly identity session cookie (same origin only), which JavaScript never reads.
   */
  token?: string;
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * One JSON request to the platform API. The bearer token goes only in the Authorization
 * header; personal data goes in the path segment the API defines or in the JSON body,
 * never in a query string. An empty answer (204) resolves to undefined.
 */
export async function apiRequest<T>(path: string, { token, method = 'GET', body, signal }: RequestOptions) {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
      credentials: token ? 'omit' : 'same-origin',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'ERR_NETWORK');
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = isProblem(payload) ? payload : undefined;
    throw new ApiError(response.status, problem?.code ?? `HTTP_${response.status}`, problem);
  }
  if (response.status === 204) return undefined as T;
  if (payload === undefined) throw new ApiError(response.status, 'ERR_BAD_RESPONSE');
  return payload as T;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && ('code' in value || 'title' in value);
}

/** `/api/registry/v1/people/{idNumber}` and friends, with every segment encoded. */
export function registryPath(...segments: string[]): string {
  return `/api/registry/v1/${segments.map(encodeURIComponent).join('/')}`;
}

/** `/api/identity/v1/…` with every segment encoded. */
export function identityPath(...segments: string[]): string {
  return `/api/identity/v1/${segments.map(encodeURIComponent).join('/')}`;
}

/** `/api/oidc/v1/…` with every segment encoded. */
export function oidcPath(...segments: string[]): string {
  return `/api/oidc/v1/${segments.map(encodeURIComponent).join('/')}`;
}
