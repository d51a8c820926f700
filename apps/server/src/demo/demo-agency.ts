import { randomBytes, type webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@dinhdanh/db';
import { findAgency, registerAgency } from '@dinhdanh/exchange';
import type { Clock, Logger } from '@dinhdanh/kernel';
import * as oidcClient from 'openid-client';

/**
 * Development only (`dinhdanh serve --demo` on an empty database): a registered agency —
 * "Cơ quan Thuế (minh hoạ)" — with some usage, so the officer console's agency pages show what
 * they are for. Its key pair is generated into the keys directory (`demo-agency.json`, private
 * key included: it is a demo) and its usage goes through the exchange API exactly as an agency's
 * would: client credentials with `private_key_jwt` and DPoP, identity verifications, a lookup
 * and a small bulk-matching job. Never in production (the caller checks the mode).
 */
export interface DemoAgencyOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The provider's issuer, where this very server listens. */
  issuer: string;
  keysDir: string;
  /** Living adults of the demo population the agency "holds" records of (4 or more). */
  people: ReadonlyArray<{ idNumber: string; fullName: string; dateOfBirth: string }>;
}

export interface DemoAgency {
  agencyId: string;
  name: string;
  /** Where its client id and private key are. */
  file: string;
  /** False when it existed already (no new usage). */
  created: boolean;
}

export const DEMO_AGENCY_FILE = 'demo-agency.json';
const NAME = 'Cơ quan Thuế (minh hoạ)';
const TAX = 'tax.registration';
const SCOPES = ['exchange.verify', 'exchange.lookup', 'exchange.match'] as const;

interface Stored {
  agencyId: string;
  privateJwk: webcrypto.JsonWebKey & { kid: string };
}

/** Removes the diacritics a clerk's old system may have lost (the exchange folds names). */
const withoutDiacritics = (name: string) =>
  name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** The next day, as an agency's record with a slip in the date of birth would have it. */
const dayAfter = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export async function seedDemoAgency(options: DemoAgencyOptions): Promise<DemoAgency> {
  const file = path.join(options.keysDir, DEMO_AGENCY_FILE);
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
    const agency = await findAgency(options, stored.agencyId);
    if (agency && !agency.disabled)
      return { agencyId: agency.agencyId, name: agency.name, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const [a, b, c, d] = options.people;
  if (!a || !b || !c || !d) throw new Error('the demo agency needs four people of the demo population');

  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const exported = await crypto.subtle.exportKey('jwk', keys.privateKey);
  const kid = randomBytes(8).toString('base64url');
  const agency = await registerAgency(options, {
    name: NAME,
    scopes: [...SCOPES],
    purposes: [
      {
        code: TAX,
        description: 'Đăng ký thuế cho cá nhân / personal tax registration',
        legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
        fields: ['idNumber', 'fullName', 'dateOfBirth', 'sex', 'permanentAddress', 'alive'],
      },
      {
        code: 'tax.refund',
        description: 'Hoàn thuế thu nhập cá nhân / personal income tax refund',
        legalBasis: null,
        fields: ['fullName', 'phone'],
      },
    ],
    // Only the public members: the export also carries d, key_ops and ext.
    jwks: {
      keys: [
        { kty: exported.kty, crv: exported.crv, x: exported.x, y: exported.y, kid, alg: 'ES256', use: 'sig' },
      ],
    },
  });
  const stored: Stored = { agencyId: agency.agencyId, privateJwk: { ...exported, kid } };
  await mkdir(options.keysDir, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(stored), { mode: 0o600 });

  const issuer = new URL(options.issuer);
  const config = await oidcClient.discovery(
    issuer,
    agency.clientId,
    {},
    oidcClient.PrivateKeyJwt({ key: keys.privateKey, kid }),
    issuer.protocol === 'http:' ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
  );
  const dpop = oidcClient.getDPoPHandle(config, await oidcClient.randomDPoPKeyPair('ES256'));
  const tokens = await oidcClient.clientCredentialsGrant(config, { scope: SCOPES.join(' ') }, { DPoP: dpop });
  const call = async (method: 'GET' | 'POST', apiPath: string, body?: string, contentType?: string) => {
    const response = await oidcClient.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`/api/exchange/v1${apiPath}`, issuer),
      method,
      body,
      new Headers(contentType ? { 'content-type': contentType } : {}),
      { DPoP: dpop },
    );
    if (!response.ok) throw new Error(`demo agency: ${method} ${apiPath} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };

  // Verifications: a record that matches, one typed without diacritics (still a match), and one
  // with a slip in the date of birth (a mismatch the agency would correct).
  await call(
    'POST',
    '/verifications',
    JSON.stringify({
      purpose: TAX,
      idNumber: a.idNumber,
      fields: { fullName: a.fullName, dateOfBirth: a.dateOfBirth },
    }),
    'application/json',
  );
  await call(
    'POST',
    '/verifications',
    JSON.stringify({
      purpose: TAX,
      records: [
        { idNumber: b.idNumber, fields: { fullName: withoutDiacritics(b.fullName) } },
        { idNumber: c.idNumber, fields: { fullName: c.fullName, dateOfBirth: dayAfter(c.dateOfBirth) } },
      ],
    }),
    'application/json',
  );
  await call('GET', `/people/${d.idNumber}?purpose=${TAX}`);

  // A small bulk-matching job: the agency's file against the registry, reported per record —
  // matches (one typed without diacritics), a date of birth to correct, a number not found.
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const rows = [
    [a.idNumber, a.fullName, a.dateOfBirth],
    [b.idNumber, withoutDiacritics(b.fullName), b.dateOfBirth],
    [c.idNumber, c.fullName, dayAfter(c.dateOfBirth)],
    [d.idNumber, d.fullName, d.dateOfBirth],
    ['001099000000', 'Nguyễn Văn Không Có', '1999-01-01'],
  ];
  const csv = `idNumber,fullName,dateOfBirth\n${rows.map((row) => row.map(quote).join(',')).join('\n')}\n`;
  const job = await call('POST', `/matching-jobs?purpose=${TAX}`, csv, 'text/csv; charset=utf-8');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await call('GET', `/matching-jobs/${String(job.jobId)}`)).status;
    if (status === 'done' || status === 'failed') break;
    if (Date.now() > deadline) {
      options.logger.warn({ jobId: job.jobId }, 'demo agency: the matching job is still running');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { agencyId: agency.agencyId, name: agency.name, file, created: true };
}
