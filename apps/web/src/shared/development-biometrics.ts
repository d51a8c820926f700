import { useQuery } from '@tanstack/react-query';
import { ApiError, apiRequest, identityPath } from '../api/api-client.ts';

/**
 * `GET /api/identity/v1/dev/biometrics`: which biometric checks are development stand-ins (not
 * matchers) and the demo fingerprint sample. The server mounts it only outside production while a
 * development adapter is in use; elsewhere it is 404 and the pages show nothing of it.
 */
export interface DevelopmentBiometrics {
  face: 'development' | 'matcher';
  fingerprint: 'development' | 'matcher';
  fingerprintSample: { fileName: string; mediaType: 'image/png'; image: string } | null;
}

/** `null` when the installation runs real matchers (production); never retried. */
export function useDevelopmentBiometrics() {
  return useQuery({
    queryKey: ['identity', 'dev', 'biometrics'],
    queryFn: async ({ signal }) => {
      try {
        return await apiRequest<DevelopmentBiometrics>(identityPath('dev', 'biometrics'), { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The demo sample as a file, as if chosen from the reader's output folder. */
export function sampleFile(sample: NonNullable<DevelopmentBiometrics['fingerprintSample']>): File {
  const binary = atob(sample.image);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new File([bytes], sample.fileName, { type: sample.mediaType });
}
