import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '@dinhdanh/db';
import { freePort, testDatabase } from '@dinhdanh/db/testing';
import { createCitizenAccount, hashPassword, type IdentityContext, readOutbox } from '@dinhdanh/identity';
import { createLogger, loadConfig, systemClock } from '@dinhdanh/kernel';
import { ephemeralProviderKeys, type Oidc } from '@dinhdanh/oidc';
import { AdminUnits, issueOfficerToken } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import * as jose from 'jose';
import * as client from 'openid-client';
import { buildApp } from '../src/app.ts';
import { issueTestCard } from './card-chip.ts';
import { captureJpeg, enrolFingerprint } from './identity-helpers.ts';

export const IDENTITY_API = '/api/identity/v1';
export const SESSION_COOKIE = '__Host-dinhdanh-session';
export const PASSWORD = 'mùa thu hà nội lá vàng rơi';

/** A registry person with a real eID account (password + phone for SMS codes). */
export interface Citizen {
  idNumber: string;
  accountId: string;
  fullName: string;
  phone: string;
  password: string;
}

/** A real identity session, as `POST /logins` + `/logins/{id}/otp` set it. */
export interface CitizenLogin {
  token: string;
  /** The `cookie` header value carrying the session. */
  cookie: string;
  sessionId: string;
  acr: string;
  amr: string[];
}

export interface OidcTestServer {
  app: FastifyInstance;
  database: Database;
  issuer: string;
  identity: IdentityContext;
  oidc: Oidc;
  outboxFile: string;
  supervisorToken: string;
  /** A national officer (role officer): registers births and raises accounts to level 2. */
  registryToken: string;
  /** A registry person (birth registered by the officer API) with an account at level 1 or 2. */
  citizen(options?: {
    level?: 1 | 2;
    fullName?: string;
    dateOfBirth?: string;
    sex?: 'male' | 'female';
  }): Promise<Citizen>;
  /** Password + SMS code through the identity HTTP API; the code is read from the dev outbox. */
  login(citizen: Citizen): Promise<CitizenLogin>;
  /**
   * Enrols a fingerprint reference (as a card office would), issues a real chip card, then
   * `POST /officer/level2` with its files and that fingerprint.
   */
  raiseToLevel2(citizen: Citizen): Promise<void>;
  /** A JSON call to the identity API (cookie or officer token). */
  identityApi(
    path: string,
    options: { cookie?: string; token?: string; body?: unknown; method?: string },
  ): Promise<{ status: number; json: Record<string, unknown>; response: Response }>;
  close(): Promise<void>;
}

const givenNames = ['An', 'Châu', 'Dung', 'Giang', 'Hà', 'Khánh', 'Lan', 'Mai', 'Nga', 'Oanh', 'Phương'];

export async function startOidcServer(
  options: { redisUrl?: string /** Also serve the exchange (agencies). */; exchange?: boolean } = {},
): Promise<OidcTestServer> {
  const database = await testDatabase();
  const units = await AdminUnits.load(database.db);
  const officerKey = randomBytes(32);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  // One temporary folder for the SMS outbox and the keys, removed by close() (or a failed start).
  const workDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-oidc-'));
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  const outboxFile = path.join(workDir, 'dev-outbox.ndjson');
  // Level 2 reads a real chip: cards are issued under this card PKI.
  const keysDir = path.join(workDir, 'keys');
  mkdirSync(keysDir);
  const subjectSecret = randomBytes(32);
  const config = loadConfig({
    DINHDANH_MODE: 'test',
    DINHDANH_LOG_LEVEL: 'silent',
    DINHDANH_ISSUER: issuer,
    DINHDANH_ROLES: options.exchange ? 'registry,audit,idp,exchange' : 'registry,audit,idp',
    // Agencies' mutual TLS as a TLS-terminating proxy would forward it (RFC 9440 Client-Cert).
    DINHDANH_TRUST_CLIENT_CERT_HEADER: options.exchange ? 'true' : 'false',
    DINHDANH_KEYS_DIR: keysDir,
  });
  const redis = options.redisUrl ? new Redis(options.redisUrl) : undefined;
  let oidc: Oidc | undefined;
  const failedStart = async (error: unknown): Promise<never> => {
    redis?.disconnect();
    await database.close();
    removeWorkDir();
    throw error;
  };
  // The system clock: identity's session times and the provider's token times must agree.
  const app = await buildApp({
    config,
    database,
    units,
    officerTokenKey: officerKey,
    subjectSecret,
    identitySecret: randomBytes(32),
    // The shipped development face/fingerprint adapters (as `npm start`): raiseToLevel2 enrols
    // the fingerprint it then presents.
    identity: { outboxFile },
    logger: createLogger('silent'),
    oidc: {
      signingKeys: ephemeralProviderKeys(),
      cookieKey: randomBytes(32),
      pairwiseKey: randomBytes(32),
      redis,
      allowLoopbackFetch: true,
      onReady: (built) => {
        oidc = built;
      },
    },
  }).catch(failedStart);
  await app.listen({ port, host: '127.0.0.1' }).catch(async (error) => {
    await app.close();
    return failedStart(error);
  });
  const identity = app.identity!;
  const now = new Date();
  const supervisorToken = (
    await issueOfficerToken(officerKey, units, { unit: 'VN', role: 'supervisor', now })
  ).token;
  const registryToken = (await issueOfficerToken(officerKey, units, { unit: 'VN', now })).token;

  const identityApi: OidcTestServer['identityApi'] = async (apiPath, call) => {
    const method = call.method ?? (call.body === undefined ? 'GET' : 'POST');
    const response = await fetch(`${issuer}${IDENTITY_API}${apiPath}`, {
      method,
      headers: {
        ...(call.cookie ? { cookie: call.cookie } : {}),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
    const text = await response.clone().text();
    return { status: response.status, json: text ? JSON.parse(text) : {}, response };
  };

  let people = 0;
  const citizen: OidcTestServer['citizen'] = async (person = {}) => {
    people += 1;
    const fullName = person.fullName ?? `Trần Thị ${givenNames[people % givenNames.length]}`;
    const birth = await fetch(`${issuer}/api/registry/v1/births`, {
      method: 'POST',
      headers: { authorization: `Bearer ${registryToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        fullName,
        dateOfBirth:
          person.dateOfBirth ??
          `1985-${String(1 + Math.floor(people / 28)).padStart(2, '0')}-${String(1 + (people % 28)).padStart(2, '0')}`,
        sex: person.sex ?? 'female',
        placeOfBirth: 'Bệnh viện Bạch Mai, Hà Nội',
        registrationCommuneCode: '00004',
        permanentAddress: { communeCode: '00004', detail: 'Số 12 phố Quán Thánh' },
      }),
    });
    if (birth.status !== 201) throw new Error(`birth registration: ${await birth.text()}`);
    const { idNumber } = (await birth.json()) as { idNumber: string };
    const phone = `09${String(10_000_000 + people * 7919).slice(-8)}`;
    const account = await createCitizenAccount(identity, {
      idNumber,
      displayName: fullName,
      phone,
      passwordHash: await hashPassword(PASSWORD),
      actor: { kind: 'system', id: 'oidc-test' },
    });
    const created: Citizen = { idNumber, accountId: account.accountId, fullName, phone, password: PASSWORD };
    if (person.level === 2) await raiseToLevel2(created);
    return created;
  };

  const raiseToLevel2 = async (person: Citizen) => {
    await enrolFingerprint(database, person.idNumber);
    const card = await issueTestCard(
      { database, units, clock: systemClock, subjectSecret },
      keysDir,
      person.idNumber,
    );
    const raised = await identityApi('/officer/level2', {
      token: registryToken,
      body: { idNumber: person.idNumber, chip: card.chipBody, fingerprint: { image: captureJpeg } },
    });
    if (raised.status !== 200 || raised.json.level !== 2)
      throw new Error(`level 2: ${raised.status} ${JSON.stringify(raised.json)}`);
  };

  const login = async (person: Citizen): Promise<CitizenLogin> => {
    const start = await identityApi('/logins', {
      body: { idNumber: person.idNumber, password: person.password },
    });
    if (start.status !== 200) throw new Error(`login: ${start.status} ${JSON.stringify(start.json)}`);
    const code = await lastCode(outboxFile, person.phone);
    const done = await identityApi(`/logins/${start.json.loginId}/otp`, { body: { method: 'sms', code } });
    if (done.status !== 200) throw new Error(`login code: ${done.status} ${JSON.stringify(done.json)}`);
    const token = sessionToken(done.response);
    const session = done.json.session as { sessionId: string; acr: string; amr: string[] };
    return { token, cookie: `${SESSION_COOKIE}=${token}`, ...session };
  };

  return {
    app,
    database,
    issuer,
    identity,
    oidc: oidc!,
    outboxFile,
    supervisorToken,
    registryToken,
    citizen,
    login,
    raiseToLevel2,
    identityApi,
    close: async () => {
      try {
        await app.close();
        redis?.disconnect();
        await database.close();
      } finally {
        removeWorkDir();
      }
    },
  };
}

/** The 6-digit code of the newest development SMS to this phone. */
export async function lastCode(outboxFile: string, phone: string): Promise<string> {
  const messages = await readOutbox(outboxFile, 200);
  const text = messages.filter((message) => message.to.endsWith(phone.slice(1))).at(-1)?.text ?? '';
  const code = text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code for ${phone} in the outbox`);
  return code;
}

/** The session token the identity API set in its __Host- cookie. */
export function sessionToken(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
}

/** A relying party's key pair (ES256) and its public JWKS for registration. */
export async function rpKeys() {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const jwk = {
    ...(await jose.exportJWK(publicKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'ES256',
    use: 'sig',
  };
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
