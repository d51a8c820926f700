import { subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { authenticateSession, type Session } from './session.service.ts';

export const SESSION_COOKIE = '__Host-dinhdanh-session';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** The session token from the cookie, or from `Authorization: Bearer` (native wallet clients). */
export function sessionToken(request: FastifyRequest): string | undefined {
  const bearer = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9_-]{43})$/)?.[1];
  return bearer ?? readCookie(request, SESSION_COOKIE);
}

/** `__Host-` demands Secure and Path=/ with no Domain; Lax keeps it off cross-site POSTs. */
export function hostCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export function setSessionCookie(ctx: IdentityContext, reply: FastifyReply, token: string, session: Session) {
  const seconds = (session.expiresAt.getTime() - ctx.clock.now().getTime()) / 1000;
  reply.header('set-cookie', hostCookie(SESSION_COOKIE, token, seconds));
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.header('set-cookie', hostCookie(SESSION_COOKIE, '', 0));
}

const resolved = new WeakMap<FastifyRequest, { account: Account; session: Session } | undefined>();

/** The request's citizen session (cached per request), or undefined. */
export async function optionalCitizen(ctx: IdentityContext, request: FastifyRequest) {
  if (resolved.has(request)) return resolved.get(request);
  const token = sessionToken(request);
  const found = token ? await authenticateSession(ctx, token) : undefined;
  resolved.set(request, found);
  return found;
}

/** The request's citizen session, or ERR_UNAUTHENTICATED. What `/me` routes use. */
export async function requireCitizen(
  ctx: IdentityContext,
  request: FastifyRequest,
): Promise<{ account: Account; session: Session }> {
  const found = await optionalCitizen(ctx, request);
  if (!found) throw new AppError('ERR_UNAUTHENTICATED', 'log in with your eID account');
  return found;
}

/**
 * For other packages' citizen routes (the audit access log): the holder's audit subject key from
 * the identity session. Accounts without a registry person have no subject key.
 */
export function citizenAuthenticator(ctx: IdentityContext) {
  return async (request: FastifyRequest): Promise<{ subjectKey: string; accountId: string } | undefined> => {
    const found = await optionalCitizen(ctx, request);
    if (!found?.account.idNumber) return undefined;
    return {
      subjectKey: subjectKey(ctx.subjectSecret, found.account.idNumber),
      accountId: found.account.accountId,
    };
  };
}
