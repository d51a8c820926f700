import { z } from 'zod';
import { knownScopes } from '../claims/claim-catalogue.ts';

const HttpsOrLoopbackUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    if (url.hash) return false;
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  } catch {
    return false;
  }
}, 'an absolute https URL (http only on loopback), without a fragment');

// Members that only private keys have (RFC 7517/7518): a JWKS carrying any of them is refused.
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export const PublicJwks = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) })
  .refine((jwks) => jwks.keys.every((key) => privateMembers.every((member) => !(member in key))), {
    message: 'the JWKS must hold public keys only',
  })
  .refine((jwks) => jwks.keys.every((key) => key.kty === 'EC' || key.kty === 'RSA' || key.kty === 'OKP'), {
    message: 'keys must be EC, RSA or OKP',
  });

export const ClientRegistration = z.object({
  name: z.string().trim().min(1).max(200),
  redirectUris: z.array(HttpsOrLoopbackUrl).min(1).max(20),
  postLogoutRedirectUris: z.array(HttpsOrLoopbackUrl).max(20).default([]),
  backchannelLogoutUri: HttpsOrLoopbackUrl.optional(),
  jwks: PublicJwks,
  scopes: z
    .array(z.enum(knownScopes as [string, ...string[]]))
    .default(['openid', 'profile'])
    .refine((scopes) => scopes.includes('openid'), 'scopes must include openid'),
  minLevel: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Pairwise subject sector: RPs sharing it see the same `sub`. Defaults to the redirect host. */
  sector: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/i)
    .optional(),
});
export type ClientRegistration = z.input<typeof ClientRegistration>;

/** `relying_party`: logs people in (authorization code); `service`: an agency (client credentials). */
export const ClientKind = z.enum(['relying_party', 'service']);
export type ClientKind = z.infer<typeof ClientKind>;

/** Token-endpoint authentication: a signed assertion, or a registered self-signed certificate over mTLS. */
export const ClientAuthMethod = z.enum(['private_key_jwt', 'self_signed_tls_client_auth']);
export type ClientAuthMethod = z.infer<typeof ClientAuthMethod>;

export const RelyingParty = z.object({
  clientId: z.string(),
  kind: ClientKind,
  authMethod: ClientAuthMethod,
  name: z.string(),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  backchannelLogoutUri: z.string().nullable(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
  scopes: z.array(z.string()),
  claims: z.array(z.string()),
  minLevel: z.union([z.literal(1), z.literal(2)]),
  sector: z.string(),
  createdAt: z.string(),
  disabled: z.boolean(),
});
export type RelyingParty = z.infer<typeof RelyingParty>;
