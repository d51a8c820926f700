import { appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import { findPerson, type Person } from '@dinhdanh/registry';
import type { OidcAccount, OidcContext } from '../context.ts';
import { scopeClaims } from './claim-catalogue.ts';

export const RELEASE_LEGAL_BASIS =
  'Nghị định 69/2024/NĐ-CP; sự đồng ý của chủ thể dữ liệu / Decree 69/2024/NĐ-CP; the data subject’s consent';
export const releasePurpose = (clientName: string) =>
  `Đăng nhập và xác thực với ${clientName} / login and identity verification with ${clientName}`;

/** Where a release goes: the relying party, and which of its claims it may receive at all. */
export interface ReleaseTarget {
  clientId: string;
  clientName: string;
  allowedClaims: readonly string[];
}

// OIDC `gender` values are lower-case English words.
const genderOf = (person: Person) => (person.sex === 'female' ? 'female' : 'male');

/** The claims the registry can back for a person, before filtering by scope and permission. */
export function personClaims(person: Person, account: OidcAccount): Record<string, unknown> {
  const address = person.permanentAddress;
  const claims: Record<string, unknown> = {
    name: person.fullName,
    birthdate: person.dateOfBirth,
    gender: genderOf(person),
    id_number: person.idNumber,
  };
  if (address)
    claims.address = {
      formatted: address.text,
      street_address: address.detail || undefined,
      locality: address.communeName ?? undefined,
      region: address.provinceName ?? undefined,
      country: 'VN',
    };
  if (person.phone) claims.phone_number = person.phone;
  if (account.level === 2 && account.level2At)
    // OpenID Connect for Identity Assurance 1.0: who verified what, how and when.
    claims.verified_claims = {
      verification: {
        trust_framework: 'vn_eid',
        assurance_level: 'level2',
        time: account.level2At.toISOString(),
        evidence: [{ type: 'document', document_details: { type: 'idcard' }, method: 'pipp' }],
      },
      claims: { name: person.fullName, birthdate: person.dateOfBirth, gender: genderOf(person) },
    };
  return claims;
}

/** The claim names a release carries: what scopes and the claims parameter ask, minus rejected. */
export function requestedClaimNames(
  scope: string,
  requested: Record<string, unknown> | undefined,
  rejected: readonly string[],
): string[] {
  const names = new Set(scope.split(' ').flatMap((s) => scopeClaims[s] ?? []));
  for (const name of Object.keys(requested ?? {})) names.add(name);
  for (const name of rejected) names.delete(name);
  return [...names];
}

/**
 * Reads the person through the registry and returns only the claims the RP may receive and
 * asked for; the release is recorded in the audit log under the person's subject key, so the
 * citizen sees it in their access log.
 */
export async function releaseClaims(
  ctx: OidcContext,
  account: OidcAccount,
  sub: string,
  target: ReleaseTarget,
  use: 'id_token' | 'userinfo',
  names: readonly string[],
): Promise<{ sub: string; [claim: string]: unknown }> {
  const wanted = names.filter((name) => name !== 'sub' && target.allowedClaims.includes(name));
  const claims: { sub: string; [claim: string]: unknown } = { sub };
  if (wanted.length === 0 || !account.idNumber) return claims;
  const person = await findPerson(ctx.registry, account.idNumber);
  if (!person) return claims;
  const available = personClaims(person, account);
  const released = wanted.filter((name) => available[name] !== undefined);
  for (const name of released) claims[name] = available[name];
  if (released.length > 0)
    await appendAuditEntries(ctx.db, [
      {
        recordedAt: ctx.clock.now(),
        actor: { kind: 'relying_party', id: target.clientId, unit: null },
        action: 'oidc.claims.released',
        subjectKey: subjectKey(ctx.subjectSecret, account.idNumber),
        purpose: releasePurpose(target.clientName),
        legalBasis: RELEASE_LEGAL_BASIS,
        details: { clientId: target.clientId, clientName: target.clientName, use, claims: released },
      },
    ]);
  return claims;
}
