import type { Database } from '@dinhdanh/db';
import { developmentTemplateHash } from '@dinhdanh/registry';
import { sql } from 'kysely';
import type { TestApp } from './test-app.ts';

/**
 * A JPEG-looking capture. The development face adapter accepts any JPEG/PNG; the development
 * fingerprint adapter matches it only for people whose reference was enrolled from it
 * (`enrolFingerprint`).
 */
export const captureJpeg = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.alloc(400, 7),
]).toString('base64');

/**
 * The fingerprint reference a card office enrols, made from `capture` as the shipped
 * `DevelopmentFingerprintVerifier` compares it (`developmentTemplateHash`): a hash, never the
 * image. The registry has no enrolment API yet, so the test writes the reference into the person
 * row — a fixture, as the demo seed's references are; the level-2 check itself is the shipped one.
 */
export async function enrolFingerprint(
  database: Database,
  idNumber: string,
  capture: string = captureJpeg,
): Promise<void> {
  const fingerprints = {
    templateHash: developmentTemplateHash(idNumber, Buffer.from(capture, 'base64')),
    enrolledAt: '2024-01-01',
  };
  await sql`UPDATE registry.person
    SET biometrics = biometrics || jsonb_build_object('fingerprints', ${JSON.stringify(fingerprints)}::jsonb)
    WHERE id_number = ${idNumber}`.execute(database.db);
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export const API = '/api/identity/v1';

/** The 6-digit code in the newest message of the development outbox. */
export async function lastCode(t: TestApp): Promise<string> {
  const outbox = await t.app.inject({ method: 'GET', url: `${API}/dev/outbox?last=1` });
  const text: string = outbox.json().items.at(-1)?.text ?? '';
  const code = text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no code in the outbox');
  return code;
}

/** The session token a response set in the __Host- cookie. */
export function sessionCookie(response: { headers: Record<string, unknown> }): string {
  const header = response.headers['set-cookie'];
  const cookies = Array.isArray(header) ? header : [String(header)];
  const cookie = cookies.find((c) => c.startsWith('__Host-dinhdanh-session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!.split('=')[1]!;
}

/**
 * Registers a person through the registry API (officer of commune 00004), with a phone, and
 * gives them biometric references (with `fingerprints`, enrolled from `captureJpeg`). The
 * registry has no API for biometric enrolment yet, so the test writes the reference hashes
 * directly: a fixture, not a shortcut through identity.
 */
export async function registerPerson(
  t: TestApp,
  officer: string,
  person: {
    fullName: string;
    dateOfBirth: string;
    phone?: string;
    fingerprints?: boolean;
    commune?: string;
    sex?: 'male' | 'female';
  },
): Promise<string> {
  const birth = await t.app.inject({
    method: 'POST',
    url: '/api/registry/v1/births',
    headers: auth(officer),
    payload: {
      fullName: person.fullName,
      dateOfBirth: person.dateOfBirth,
      sex: person.sex ?? 'male',
      placeOfBirth: 'Hà Nội',
      registrationCommuneCode: person.commune ?? '00004',
      permanentAddress: { communeCode: person.commune ?? '00004', detail: 'Số 1' },
    },
  });
  if (birth.statusCode !== 201 && birth.statusCode !== 200) throw new Error(birth.body);
  const { idNumber } = birth.json();
  if (person.phone)
    await t.app.inject({
      method: 'POST',
      url: `/api/registry/v1/people/${idNumber}/corrections`,
      headers: auth(officer),
      payload: { field: 'phone', value: person.phone, reason: 'Công dân đề nghị' },
    });
  const face = { templateHash: 'f'.repeat(64), imageKey: `portraits/${idNumber}.jpg` };
  await t.database.exec(
    `UPDATE registry.person SET biometrics = '${JSON.stringify({ face })}'::jsonb WHERE id_number = '${idNumber}'`,
  );
  if (person.fingerprints) await enrolFingerprint(t.database, idNumber);
  return idNumber;
}

/** `post`/`get` on the identity API of a test app, with optional headers. */
export function identityClient(t: TestApp) {
  return {
    post: (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: `${API}${url}`, payload: payload as object, headers }),
    get: (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: `${API}${url}`, headers }),
  };
}
