import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Database } from '@dinhdanh/db';
import { freePort, testDatabase } from '@dinhdanh/db/testing';
import { createLogger, fixedClock, loadConfig } from '@dinhdanh/kernel';
import {
  ephemeralProviderKeys,
  type IdentityPort,
  type IdentitySession,
  type Oidc,
  type OidcAccount,
} from '@dinhdanh/oidc';
import { AdminUnits, issueOfficerToken } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import * as jose from 'jose';
import * as client from 'openid-client';
import { buildApp } from '../src/app.ts';

/**
 * Stands in for packages/identity until its session API lands: the same port the composition
 * root adapts from identity's authenticateSession / findAccountById.
 */
export class TestIdentity implements IdentityPort {
  readonly accounts = new Map<string, OidcAccount>();
  readonly sessions = new Map<string, { accountId: string; session: IdentitySession }>();
  account(idNumber: string, level: 1 | 2): OidcAccount {
    const account: OidcAccount = {
      accountId: randomUUID(),
      idNumber,
      level,
      locked: false,
      level2At: level === 2 ? new Date('2026-01-02T03:04:05Z') : null,
    };
    this.accounts.set(account.accountId, account);
    return account;
  }
  /** A session token as the identity login would set it in the cookie. */
  login(account: OidcAccount, acr: 1 | 2, amr = acr === 2 ? ['pwd', 'sms'] : ['pwd']) {
    const token = randomBytes(32).toString('base64url');
    const session = { sessionId: randomUUID(), acr, amr, authTime: new Date() };
    this.sessions.set(token, { accountId: account.accountId, session });
    return { token, session, cookie: `__Host-dinhdanh-session=${token}` };
  }
  async authenticateSession(token: string) {
    const found = this.sessions.get(token);
    const account = found && this.accounts.get(found.accountId);
    return found && account ? { account, session: found.session } : undefined;
  }
  async findAccount(accountId: string) {
    return this.accounts.get(accountId);
  }
}

export interface OidcTestServer {
  app: FastifyInstance;
  database: Database;
  issuer: string;
  identity: TestIdentity;
  oidc: Oidc;
  supervisorToken: string;
  registryToken: string;
  close(): Promise<void>;
}

export async function startOidcServer(options: { redisUrl?: string } = {}): Promise<OidcTestServer> {
  const database = await testDatabase();
  const units = await AdminUnits.load(database.db);
  const officerKey = randomBytes(32);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DINHDANH_MODE: 'test',
    DINHDANH_LOG_LEVEL: 'silent',
    DINHDANH_ISSUER: issuer,
    DINHDANH_ROLES: 'registry,audit,idp',
  });
  const identity = new TestIdentity();
  const redis = options.redisUrl ? new Redis(options.redisUrl) : undefined;
  let oidc: Oidc | undefined;
  const app = await buildApp({
    config: { ...config, roles: ['registry', 'audit', 'idp'] },
    database,
    units,
    officerTokenKey: officerKey,
    subjectSecret: randomBytes(32),
    citizenTokenKey: randomBytes(32),
    logger: createLogger('silent'),
    clock: fixedClock('2026-11-23T03:00:00Z'),
    oidc: {
      identity,
      signingKeys: ephemeralProviderKeys(),
      cookieKey: randomBytes(32),
      pairwiseKey: randomBytes(32),
      redis,
      allowLoopbackFetch: true,
      onReady: (built) => {
        oidc = built;
      },
    },
  });
  await app.listen({ port, host: '127.0.0.1' });
  const now = new Date('2026-11-23T03:00:00Z');
  return {
    app,
    database,
    issuer,
    identity,
    oidc: oidc!,
    supervisorToken: (await issueOfficerToken(officerKey, units, { unit: 'VN', role: 'supervisor', now }))
      .token,
    registryToken: (await issueOfficerToken(officerKey, units, { unit: 'VN', now })).token,
    close: async () => {
      await app.close();
      redis?.disconnect();
      await database.close();
    },
  };
}

/** A relying party's key pair (ES256) and its public JWKS for registration. */
export async function rpKeys() {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  return { privateKey, jwks: { keys: [jwk] }, kid: jwk.kid };
}

/** openid-client configuration for a registered RP (http allowed: tests on loopback only). */
export async function rpConfig(issuer: string, clientId: string, privateKey: CryptoKey, kid: string) {
  return client.discovery(
    new URL(issuer),
    clientId,
    { id_token_signed_response_alg: 'ES256' },
    client.PrivateKeyJwt({ key: privateKey, kid }),
    {
      execute: [client.allowInsecureRequests],
    },
  );
}

/** A browser's cookie jar, enough for the provider's cookies (names are unique per path here). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  take(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(extra?: string) {
    return [...[...this.cookies].map(([name, value]) => `${name}=${value}`), ...(extra ? [extra] : [])].join(
      '; ',
    );
  }
}

/** A tiny HTTP server receiving back-channel logout tokens. */
export async function logoutReceiver(): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      response.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
