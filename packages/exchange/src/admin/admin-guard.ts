import { AppError, type Clock } from '@dinhdanh/kernel';
import { type AdminUnits, type Officer, verifyOfficerToken } from '@dinhdanh/registry';
import type { FastifyRequest } from 'fastify';

export const adminSecurity = [{ officerToken: [] }];

/**
 * The guard of the exchange's administration (agencies, usage, jobs, dead letters): a
 * national-level supervisor (officer token with role `supervisor` at unit `VN`), as for relying
 * parties — an agency receives people's data.
 */
export function nationalSupervisorGuard(options: {
  officerTokenKey: Uint8Array;
  units: AdminUnits;
  clock: Clock;
}): (request: FastifyRequest) => Promise<Officer> {
  return async (request) => {
    const match = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/);
    if (!match?.[1]) throw new AppError('ERR_UNAUTHENTICATED', 'an officer bearer token is required');
    const officer = await verifyOfficerToken(
      options.officerTokenKey,
      options.units,
      match[1],
      options.clock.now(),
    );
    if (officer.role !== 'supervisor' || officer.unit.code !== 'VN')
      throw new AppError('ERR_FORBIDDEN', 'agencies are managed by national-level supervisors');
    return officer;
  };
}
