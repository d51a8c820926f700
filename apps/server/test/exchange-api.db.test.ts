import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accessLog, subjectKey } from '@dinhdanh/audit';
import { CardPkiStore, certificateDer, toPem } from '@dinhdanh/card';
import * as jose from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Citizen, type OidcTestServer, rpKeys, startOidcServer } from './oidc-harness.ts';

// An agency as a real OAuth client would act: openid-client's client credentials grant with
// private_key_jwt and a DPoP key, then DPoP-bound calls to the exchange API.
let t: OidcTestServer;
let person: Citizen;
let agencyId: string;
let agency: Awaited<ReturnType<typeof agencyClient>>;
const EXCHANGE = '/api/exchange/v1';
/** Temporary folders the tests make (certificate stores), removed after the file. */
const tempDirs: string[] = [];

const TAX = {
  code: 'tax.registration',
  description: 'Đăng ký thuế / tax registration',
  legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  fields: ['idNumber', 'fullName', 'dateOfBirth', 'sex', 'permanentAddress', 'alive'],
};
const LOAN = {
  code: 'bank.loan',
  description: 'Thẩm định khoản vay / loan appraisal',
  legalBasis: null,
  fields: ['fullName', 'phone'],
};

async function registerAgency(body: Record<string, unknown>) {
  const keys = await rpKeys();
  const response = await fetch(`${t.issuer}${EXCHANGE}/admin/agencies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.supervisorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jwks: keys.jwks, ...body }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json, keys };
}

async function agencyClient(id: string, keys: Awaited<ReturnType<typeof rpKeys>>, scope: string) {
  const config = await client.discovery(
    new URL(t.issuer),
    id,
    {},
    client.PrivateKeyJwt({ key: keys.privateKey, kid: keys.kid }),
    {
      execute: [client.allowInsecureRequests],
    },
  );
  const dpopKeys = await client.randomDPoPKeyPair('ES256');
  const dpop = client.getDPoPHandle(config, dpopKeys);
  const tokens = await client.clientCredentialsGrant(config, { scope }, { DPoP: dpop });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${t.issuer}${EXCHANGE}${path}`),
      method,
      body === undefined ? undefined : JSON.stringify(body),
      new Headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      { DPoP: dpop },
    );
    // biome-ignore lint/suspicious/noExplicitAny: the tests read nested JSON answers
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
  return { config, dpop, dpopKeys, tokens, call };
}

/**
 * A DPoP proof (RFC 9449) signed with the agency's own DPoP key, every claim right unless
 * overridden: the checks of one claim are tested by changing that claim alone.
 */
async function dpopProof(
  keys: CryptoKeyPair,
  claims: { htm: string; htu: string; accessToken: string } & Record<string, unknown>,
) {
  const { htm, htu, accessToken, ...overrides } = claims;
  const ath = createHash('sha256').update(accessToken).digest('base64url');
  return new jose.SignJWT({ htm, htu, ath, jti: randomUUID(), ...overrides })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await jose.exportJWK(keys.publicKey) })
    .setIssuedAt()
    .sign(keys.privateKey);
}

/** A GET with a DPoP-bound access token and the given proof, as any HTTP client could send it. */
async function getWithProof(url: string, accessToken: string, proof: string) {
  const response = await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
  return { status: response.status, json: (await response.json()) as { code?: string; detail?: string } };
}

/** One verification of the test person's sex with a token and its DPoP key; the HTTP status. */
async function verifySex(config: client.Configuration, accessToken: string, dpop: client.DPoPHandle) {
  const response = await client.fetchProtectedResource(
    config,
    accessToken,
    new URL(`${t.issuer}${EXCHANGE}/verifications`),
    'POST',
    JSON.stringify({ purpose: TAX.code, idNumber: person.idNumber, fields: { sex: 'female' } }),
    new Headers({ 'content-type': 'application/json' }),
    { DPoP: dpop },
  );
  return response.status;
}

beforeAll(async () => {
  t = await startOidcServer({ exchange: true });
  person = await t.citizen({ fullName: 'Nguyễn Thị Phương Thảo', dateOfBirth: '1985-03-07', sex: 'female' });
  const created = await registerAgency({
    name: 'Tổng cục Thuế',
    scopes: ['exchange.verify', 'exchange.lookup'],
    purposes: [TAX, LOAN],
  });
  expect(created.status).toBe(201);
  agencyId = created.json.agencyId as string;
  agency = await agencyClient(agencyId, created.keys, 'exchange.verify exchange.lookup');
});
afterAll(async () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

describe('agencies over client credentials + DPoP', () => {
  it('issues a DPoP-bound JWT access token for the exchange with the granted scopes only', async () => {
    expect(agency.tokens.token_type.toLowerCase()).toBe('dpop');
    expect(agency.tokens.scope?.split(' ').sort()).toEqual(['exchange.lookup', 'exchange.verify']);
    const payload = JSON.parse(
      Buffer.from(agency.tokens.access_token.split('.')[1]!, 'base64url').toString(),
    );
    expect(payload).toMatchObject({ client_id: agencyId, aud: `${t.issuer}${EXCHANGE}`, iss: t.issuer });
    expect(typeof payload.cnf.jkt).toBe('string');
    // Without a scope the token gets the default: every scope the agency was registered with.
    const unscoped = await client.clientCredentialsGrant(agency.config, {}, { DPoP: agency.dpop });
    expect(await verifySex(agency.config, unscoped.access_token, agency.dpop)).toBe(200);
    // A scope the agency does not hold is refused at the token endpoint.
    await expect(
      client.clientCredentialsGrant(agency.config, { scope: 'exchange.match' }, { DPoP: agency.dpop }),
    ).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('verifies fields without returning data: match, mismatch, diacritics-insensitive names, not found', async () => {
    const ok = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: person.idNumber,
      fields: { fullName: 'NGUYEN THI  PHUONG THAO', dateOfBirth: '07/03/1985', sex: 'Nữ' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({
      idNumber: person.idNumber,
      found: true,
      alive: true,
      fields: { fullName: 'match', dateOfBirth: 'match', sex: 'match' },
    });
    const typo = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: person.idNumber,
      fields: { fullName: 'Nguyễn Thị Phuơng Thảo', dateOfBirth: '1985-03-08' },
    });
    expect(typo.json.fields).toEqual({ fullName: 'match', dateOfBirth: 'mismatch' });
    const other = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: person.idNumber,
      fields: { fullName: 'Nguyễn Văn Phương Thảo' },
    });
    expect(other.json.fields).toEqual({ fullName: 'mismatch' });
    const batch = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      records: [
        { idNumber: person.idNumber, fields: { sex: 'male' } },
        { idNumber: '001099000001', fields: { fullName: 'Ai Đó' } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.json.results).toEqual([
      { idNumber: person.idNumber, found: true, alive: true, fields: { sex: 'mismatch' } },
      { idNumber: '001099000001', found: false, alive: false, fields: { fullName: 'mismatch' } },
    ]);
  });

  it('refuses fields outside the purpose, an ungranted purpose, a batch over 1,000 and malformed input', async () => {
    const phone = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: person.idNumber,
      fields: { phone: '0912345678' },
    });
    expect([phone.status, phone.json.code, phone.json.detail]).toEqual([
      403,
      'ERR_EXCHANGE_FIELD_NOT_ALLOWED',
      `"phone" is not in the policy of ${TAX.code}`,
    ]);
    const purpose = await agency.call('POST', '/verifications', {
      purpose: 'police.investigation',
      idNumber: person.idNumber,
      fields: { fullName: 'x' },
    });
    expect([purpose.status, purpose.json.code, purpose.json.detail]).toEqual([
      403,
      'ERR_EXCHANGE_PURPOSE',
      'purpose "police.investigation" is not granted',
    ]);
    const big = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      records: Array.from({ length: 1001 }, () => ({ idNumber: person.idNumber, fields: { sex: 'female' } })),
    });
    expect([big.status, big.json.code]).toEqual([413, 'ERR_EXCHANGE_BATCH_TOO_LARGE']);
    const bad = await agency.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: '12345',
      fields: { sex: 'female' },
    });
    expect([bad.status, bad.json.code]).toEqual([400, 'ERR_VALIDATION']);
  });

  it('looks up only the policy fields with a legal basis; without one only with the citizen consent', async () => {
    const tax = await agency.call('GET', `/people/${person.idNumber}?purpose=${TAX.code}`);
    expect(tax.status).toBe(200);
    expect(Object.keys(tax.json.fields).sort()).toEqual([...TAX.fields].sort());
    expect(tax.json.fields.fullName).toBe('Nguyễn Thị Phương Thảo');
    expect(tax.json.basis).toEqual({ kind: 'legal_basis', text: TAX.legalBasis });

    const nobody = await agency.call('GET', `/people/001099000001?purpose=${TAX.code}`);
    expect([nobody.status, nobody.json.code, nobody.json.detail]).toEqual([
      404,
      'ERR_NOT_FOUND',
      'no person with this ID number',
    ]);
    const refused = await agency.call('GET', `/people/${person.idNumber}?purpose=${LOAN.code}`);
    expect([refused.status, refused.json.code]).toEqual([403, 'ERR_EXCHANGE_NO_LEGAL_BASIS']);

    const login = await t.login(person);
    // The wallet lists what may be consented to: purposes without a legal basis only.
    const consentable = await fetch(`${t.issuer}${EXCHANGE}/me/consentable`, {
      headers: { cookie: login.cookie },
    });
    const offered = (
      (await consentable.json()) as { items: { agencyId: string; purposes: { code: string }[] }[] }
    ).items;
    expect(offered.find((item) => item.agencyId === agencyId)?.purposes.map((p) => p.code)).toEqual([
      LOAN.code,
    ]);
    expect((await fetch(`${t.issuer}${EXCHANGE}/me/consentable`)).status).toBe(401);
    const grant = await fetch(`${t.issuer}${EXCHANGE}/me/consents`, {
      method: 'POST',
      headers: { cookie: login.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ agencyId, purpose: LOAN.code }),
    });
    expect(grant.status).toBe(201);
    const consent = (await grant.json()) as { consentId: string };
    const allowed = await agency.call('GET', `/people/${person.idNumber}?purpose=${LOAN.code}`);
    expect(allowed.status).toBe(200);
    expect(Object.keys(allowed.json.fields).sort()).toEqual(['fullName', 'phone']);
    expect(allowed.json.basis).toMatchObject({ kind: 'consent', consentId: consent.consentId });

    const withdraw = await fetch(`${t.issuer}${EXCHANGE}/me/consents/${consent.consentId}`, {
      method: 'DELETE',
      headers: { cookie: login.cookie },
    });
    expect(withdraw.status).toBe(200);
    const after = await agency.call('GET', `/people/${person.idNumber}?purpose=${LOAN.code}`);
    expect(after.json.code).toBe('ERR_EXCHANGE_NO_LEGAL_BASIS');

    // Every verification and lookup is on the citizen's access log with the agency and purpose.
    const entries = await accessLog(t.database.db, subjectKey(t.identity.subjectSecret, person.idNumber), {
      limit: 100,
    });
    const byAgency = entries.filter((entry) => entry.actor.kind === 'agency' && entry.actor.id === agencyId);
    expect(byAgency.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['exchange.person.verified', 'exchange.person.looked_up']),
    );
    // A verification under a purpose with a legal basis is recorded under it, naming the fields compared.
    const verified = byAgency.filter((entry) => entry.action === 'exchange.person.verified');
    expect(verified.length).toBeGreaterThan(0);
    expect(verified.every((entry) => entry.legalBasis === TAX.legalBasis)).toBe(true);
    expect(verified.map((entry) => entry.details.fields)).toContainEqual(['fullName', 'dateOfBirth', 'sex']);
    const lookups = byAgency.filter((entry) => entry.action === 'exchange.person.looked_up');
    expect(lookups.map((entry) => entry.purpose)).toEqual([
      `${LOAN.description} (${LOAN.code})`,
      `${TAX.description} (${TAX.code})`,
    ]);
    expect(lookups.map((entry) => entry.legalBasis)).toEqual([
      `Sự đồng ý của công dân / the citizen's consent (${consent.consentId})`,
      TAX.legalBasis,
    ]);
    expect(entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['exchange.consent.granted', 'exchange.consent.withdrawn']),
    );
  });

  it('refuses bearer use, a replayed proof, a proof of another key, a missing scope and a disabled agency', async () => {
    const url = `${t.issuer}${EXCHANGE}/people/${person.idNumber}?purpose=${TAX.code}`;
    const bearer = await fetch(url, { headers: { authorization: `Bearer ${agency.tokens.access_token}` } });
    expect(bearer.status).toBe(401);

    // Capture one proof the client itself sends (openid-client reads its fetch from the
    // configuration), then send it again: the first use is served, the second is a replay.
    const proofs: string[] = [];
    agency.config[client.customFetch] = (input: string, init: RequestInit) => {
      const sent = new Headers(init.headers).get('dpop');
      if (sent) proofs.push(sent);
      return fetch(input, init);
    };
    const get = (dpop: client.DPoPHandle) =>
      client.fetchProtectedResource(
        agency.config,
        agency.tokens.access_token,
        new URL(url),
        'GET',
        undefined,
        undefined,
        { DPoP: dpop },
      );
    try {
      expect((await get(agency.dpop)).status).toBe(200);
    } finally {
      delete agency.config[client.customFetch];
    }
    expect(proofs).toHaveLength(1);
    const proof = proofs[0]!;
    expect(JSON.parse(Buffer.from(proof.split('.')[0]!, 'base64url').toString())).toMatchObject({
      typ: 'dpop+jwt',
    });
    const replay = await getWithProof(url, agency.tokens.access_token, proof);
    expect([replay.status, replay.json.code, replay.json.detail]).toEqual([
      401,
      'ERR_UNAUTHENTICATED',
      'the proof was used before',
    ]);
    // A proof made by hand is served once and refused the second time in the same way.
    const handMade = await dpopProof(agency.dpopKeys, {
      htm: 'GET',
      htu: url,
      accessToken: agency.tokens.access_token,
    });
    expect((await getWithProof(url, agency.tokens.access_token, handMade)).status).toBe(200);
    const again = await getWithProof(url, agency.tokens.access_token, handMade);
    expect([again.status, again.json.detail]).toEqual([401, 'the proof was used before']);

    const otherKey = client.getDPoPHandle(agency.config, await client.randomDPoPKeyPair('ES256'));
    expect((await get(otherKey)).status).toBe(401);

    const verifyOnly = await agencyClient(
      agencyId,
      (await registerAgencyKeysFor()).keys,
      'exchange.verify',
    ).catch(() => undefined);
    expect(verifyOnly).toBeUndefined(); // keys of another agency cannot authenticate as this one

    const narrow = await registerAgency({ name: 'Sở Y tế', scopes: ['exchange.verify'], purposes: [TAX] });
    const narrowClient = await agencyClient(narrow.json.agencyId as string, narrow.keys, 'exchange.verify');
    const noScope = await narrowClient.call('GET', `/people/${person.idNumber}?purpose=${TAX.code}`);
    expect([noScope.status, noScope.json.code]).toEqual([403, 'ERR_EXCHANGE_SCOPE']);

    const gone = await registerAgency({
      name: 'Cơ quan giải thể',
      scopes: ['exchange.verify'],
      purposes: [TAX],
    });
    const goneClient = await agencyClient(gone.json.agencyId as string, gone.keys, 'exchange.verify');
    const disabled = await fetch(`${t.issuer}${EXCHANGE}/admin/agencies/${gone.json.agencyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.supervisorToken}` },
    });
    expect(disabled.status).toBe(204);
    const afterDisable = await goneClient.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: person.idNumber,
      fields: { sex: 'female' },
    });
    expect(afterDisable.status).toBe(401);
  });

  it("binds each proof to its access token (ath) and to the request's method and URL (htu)", async () => {
    const url = `${t.issuer}${EXCHANGE}/people/${person.idNumber}?purpose=${TAX.code}`;
    const token = agency.tokens.access_token;
    const send = async (claims: Record<string, unknown>, accessToken = token) =>
      getWithProof(
        url,
        accessToken,
        await dpopProof(agency.dpopKeys, { htm: 'GET', htu: url, accessToken: token, ...claims }),
      );
    // The same proof with every claim right is served: what follows changes one claim at a time.
    expect((await send({})).status).toBe(200);

    // ath: the hash of another token bound to the same key, of no token, of a token bound to another key.
    const other = await client.clientCredentialsGrant(
      agency.config,
      { scope: 'exchange.lookup' },
      { DPoP: agency.dpop },
    );
    expect(other.access_token).not.toBe(token);
    const athOfOther = createHash('sha256').update(other.access_token).digest('base64url');
    for (const ath of [athOfOther, undefined, '']) {
      const refused = await send({ ath });
      expect([refused.status, refused.json.detail], `ath ${ath}`).toEqual([
        401,
        'the proof is for another access token',
      ]);
    }
    // The proof made for the other token is accepted with that token only.
    expect((await send({ ath: athOfOther }, other.access_token)).status).toBe(200);

    // htu: another path, another host, another scheme, a path that only starts the same; no htu.
    const path = new URL(url).pathname;
    for (const htu of [
      `${t.issuer}${EXCHANGE}/verifications`,
      `${t.issuer}${EXCHANGE}/people/${person.idNumber}0`,
      `http://evil.example.vn${path}`,
      `https://${new URL(t.issuer).host}${path}`,
      `${t.issuer}${path}/x`,
      undefined,
    ]) {
      const refused = await send({ htu });
      expect([refused.status, refused.json.detail], `htu ${htu}`).toEqual([
        401,
        'the proof is for another URL',
      ]);
    }
    // htu is compared without its query (RFC 9449 §4.3): the same URL with another query is fine.
    expect((await send({ htu: `${t.issuer}${path}?purpose=other` })).status).toBe(200);
    // htm: the proof of a POST does not serve a GET.
    const post = await send({ htm: 'POST' });
    expect([post.status, post.json.detail]).toEqual([401, 'the proof is for another method']);
  });

  it('applies the daily quota in records and refuses non-supervisors on the admin API', async () => {
    const small = await registerAgency({
      name: 'Thử hạn mức',
      scopes: ['exchange.verify'],
      purposes: [TAX],
      quotaPerDay: 3,
    });
    const smallClient = await agencyClient(small.json.agencyId as string, small.keys, 'exchange.verify');
    const three = await smallClient.call('POST', '/verifications', {
      purpose: TAX.code,
      records: [1, 2, 3].map(() => ({ idNumber: person.idNumber, fields: { sex: 'female' } })),
    });
    expect(three.status).toBe(200);
    const fourth = await smallClient.call('POST', '/verifications', {
      purpose: TAX.code,
      idNumber: person.idNumber,
      fields: { sex: 'female' },
    });
    expect([fourth.status, fourth.json.code]).toEqual([429, 'ERR_EXCHANGE_QUOTA']);

    const officer = await fetch(`${t.issuer}${EXCHANGE}/admin/agencies`, {
      headers: { authorization: `Bearer ${t.registryToken}` },
    });
    expect(officer.status).toBe(403);
    const invalid = await registerAgency({ name: 'x', scopes: ['exchange.everything'], purposes: [TAX] });
    expect([invalid.status, invalid.json.code]).toEqual([400, 'ERR_VALIDATION']);
  });
});

describe('the other exchange APIs behind the same token check', () => {
  it('pushes a sectoral document with a real token; the scope and kind are enforced', async () => {
    const vss = await registerAgency({
      name: 'Bảo hiểm xã hội Việt Nam',
      scopes: ['exchange.enrich', 'exchange.verify'],
      purposes: [{ ...TAX, code: 'social_insurance.enrolment' }],
      documentKinds: ['socialInsuranceNumber'],
    });
    const enrich = await agencyClient(vss.json.agencyId as string, vss.keys, 'exchange.enrich');
    const pushed = await enrich.call('POST', '/documents', {
      purpose: 'social_insurance.enrolment',
      documents: [
        { kind: 'socialInsuranceNumber', idNumber: person.idNumber, number: '0123456789', data: {} },
      ],
    });
    expect(pushed.status).toBe(200);
    expect(JSON.stringify(pushed.json)).toContain('stored');
    const verifyOnly = await agencyClient(vss.json.agencyId as string, vss.keys, 'exchange.verify');
    const refused = await verifyOnly.call('POST', '/documents', {
      purpose: 'social_insurance.enrolment',
      documents: [
        { kind: 'socialInsuranceNumber', idNumber: person.idNumber, number: '0123456789', data: {} },
      ],
    });
    expect([refused.status, refused.json.code]).toEqual([403, 'ERR_EXCHANGE_SCOPE']);
  });
});

describe('client assertions at the token endpoint', () => {
  it('refuses a replayed, an expired and an unknown-key assertion, and an unknown agency', async () => {
    const keys = await rpKeys();
    const created = await registerAgency({
      name: 'Bảo hiểm xã hội',
      scopes: ['exchange.verify'],
      purposes: [TAX],
    });
    const id = created.json.agencyId as string;
    const now = Math.floor(Date.now() / 1000);
    const assertion = (key: CryptoKey, kid: string, exp: number, iat = now, clientId = id) =>
      new jose.SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(t.issuer)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
    const token = async (clientAssertion: string, clientId = id) => {
      const response = await fetch(`${t.issuer}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'exchange.verify',
          client_id: clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion,
        }),
      });
      return (await response.json()) as { error?: string };
    };
    const once = await assertion(created.keys.privateKey, created.keys.kid, now + 60);
    // The first use authenticates (the token is then refused for want of a DPoP proof) …
    expect((await token(once)).error).not.toBe('invalid_client');
    // … the second is a replay.
    expect((await token(once)).error).toBe('invalid_client');
    expect(
      (await token(await assertion(created.keys.privateKey, created.keys.kid, now - 120, now - 300))).error,
    ).toBe('invalid_client');
    expect((await token(await assertion(keys.privateKey, keys.kid, now + 60))).error).toBe('invalid_client');
    // An agency nobody registered.
    const unknown = await assertion(keys.privateKey, keys.kid, now + 60, now, 'ag-unknown-agency-000');
    expect((await token(unknown, 'ag-unknown-agency-000')).error).toBe('invalid_client');
  });
});

describe('mutual TLS client authentication (self-signed certificate)', () => {
  it('issues a DPoP-bound token to the agency presenting its registered certificate, and only to it', async () => {
    // A self-signed certificate from the platform's own certificate builder (a throwaway card CSCA).
    const selfSigned = async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'agency-mtls-'));
      tempDirs.push(dir);
      const pki = new CardPkiStore(dir, { allowCreate: true });
      await pki.initCsca('ecdsa-p256', { now: new Date() });
      const der = certificateDer((await pki.csca('ecdsa-p256')).certificate);
      return { pem: toPem(der), header: `:${Buffer.from(der).toString('base64')}:` };
    };
    const registered = await selfSigned();
    const created = await fetch(`${t.issuer}${EXCHANGE}/admin/agencies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Cục Cảnh sát giao thông',
        scopes: ['exchange.verify'],
        purposes: [TAX],
        tlsClientCertificate: registered.pem,
      }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { agencyId: string }).agencyId;
    const withCertificate = async (header: string | undefined) => {
      const config = await client.discovery(new URL(t.issuer), id, {}, client.TlsClientAuth(), {
        execute: [client.allowInsecureRequests],
      });
      config[client.customFetch] = (url: string, init: RequestInit) =>
        fetch(url, {
          ...init,
          headers: {
            ...Object.fromEntries(new Headers(init.headers)),
            ...(header ? { 'client-cert': header } : {}),
          },
        });
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      return {
        config,
        dpop,
        grant: () => client.clientCredentialsGrant(config, { scope: 'exchange.verify' }, { DPoP: dpop }),
      };
    };
    const good = await withCertificate(registered.header);
    const tokens = await good.grant();
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(await verifySex(good.config, tokens.access_token, good.dpop)).toBe(200);
    await expect((await withCertificate(undefined)).grant()).rejects.toMatchObject({
      error: 'invalid_client',
    });
    await expect((await withCertificate((await selfSigned()).header)).grant()).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });
});

async function registerAgencyKeysFor() {
  return { keys: await rpKeys() };
}
