// The platform as the identity benchmark measures it, in its own process so that the load
// generator does not share its event loop. Started by identity.bench.ts with an IPC channel:
//   - the SMS gateway hands one-time codes to the parent over IPC (a phone would receive them);
//   - on request it mints authorization codes the way a finished login + consent leaves them,
//     so the token endpoint can be measured on its own;
//   - a bare Fastify route on a second port is the HTTP ceiling.
// Environment: DATABASE_URL, PORT, CEILING_PORT, BENCH_CLIENT_JWK (public JWK of the bench RP),
// BENCH_ACCOUNTS, BENCH_PASSWORD, DINHDANH_KEYS_DIR.
import { randomBytes } from 'node:crypto';
import { createCitizenAccount, hashPassword, type SmsGateway } from '@dinhdanh/identity';
import { createLogger, loadConfig, systemClock } from '@dinhdanh/kernel';
import { type Oidc, registerClient } from '@dinhdanh/oidc';
import { seedPopulation } from '@dinhdanh/registry';
import { buildApp, oidcKeyMaterial, openPlatform } from '@dinhdanh/server';
import Fastify from 'fastify';
import { sql } from 'kysely';

const BENCH_PASSWORD = process.env.BENCH_PASSWORD ?? '';

const send = (message: unknown) => process.send?.(message);
const port = Number(process.env.PORT);
const config = loadConfig({
  ...process.env,
  DINHDANH_MODE: 'development',
  DINHDANH_LOG_LEVEL: 'warn',
  DINHDANH_ROLES: 'registry,audit,idp',
  DINHDANH_ISSUER: `http://127.0.0.1:${port}`,
});
const logger = createLogger('warn');
const platform = await openPlatform(config);
const db = platform.database.db;

// People to log in as: a small seeded population, accounts for the adults with a phone.
const { rows: count } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM registry.person`.execute(db);
if ((count[0]?.n ?? 0) === 0) await seedPopulation(platform.database, { people: 3000, seed: 7 });

const smsToParent: SmsGateway = {
  async send({ to, text }) {
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    if (code) send({ type: 'otp', phone: to, code });
  },
};

let oidc: Oidc | undefined;
const app = await buildApp({
  ...platform,
  logger,
  identity: { sms: smsToParent },
  oidc: { ...(await oidcKeyMaterial(config, platform.keys)), onReady: (built) => (oidc = built) },
});
await app.listen({ host: '127.0.0.1', port });
const identity = app.identity;
if (!identity || !oidc) throw new Error('identity and the OpenID provider must be mounted');

const wanted = Number(process.env.BENCH_ACCOUNTS ?? 64);
const { rows: people } = await sql<{ id_number: string; full_name: string; phone: string }>`
  SELECT id_number, full_name, phone FROM registry.person
  WHERE date_of_death IS NULL AND phone IS NOT NULL AND date_of_birth < DATE '2005-01-01'
  ORDER BY id_number LIMIT ${wanted}`.execute(db);
const passwordHash = await hashPassword(BENCH_PASSWORD);
const accounts: Array<{ idNumber: string; phone: string; accountId: string }> = [];
for (const person of people) {
  const account = await createCitizenAccount(identity, {
    idNumber: person.id_number,
    displayName: person.full_name,
    phone: person.phone,
    passwordHash,
  });
  accounts.push({ idNumber: person.id_number, phone: person.phone, accountId: account.accountId });
}

const clientJwk = JSON.parse(process.env.BENCH_CLIENT_JWK ?? '{}') as Record<string, unknown>;
const redirectUri = 'https://rp.bench.example/callback';
const client = await registerClient(db, systemClock, {
  name: 'Benchmark relying party',
  redirectUris: [redirectUri],
  jwks: { keys: [clientJwk] },
  scopes: ['openid', 'profile'],
});

const ceiling = Fastify();
ceiling.get('/ping', async () => ({ ok: true }));
await ceiling.listen({ host: '127.0.0.1', port: Number(process.env.CEILING_PORT) });

/** Authorization codes as a finished login + consent leaves them (grant saved, code bound to PKCE). */
async function mintCodes(n: number, codeChallenge: string): Promise<string[]> {
  const provider = (oidc as Oidc).provider;
  const oidcClient = await provider.Client.find(client.clientId);
  if (!oidcClient) throw new Error('bench client not found');
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const account = accounts[i % accounts.length] as (typeof accounts)[number];
    const grant = new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
    grant.addOIDCScope('openid profile');
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId: account.accountId,
      acr: 'urn:dinhdanh:acr:level1',
      amr: ['pwd', 'sms'],
      authTime: Math.floor(Date.now() / 1000),
      client: oidcClient,
      grantId,
      redirectUri,
      scope: 'openid profile',
      codeChallenge,
      codeChallengeMethod: 'S256',
      gty: 'authorization_code',
      nonce: randomBytes(8).toString('base64url'),
      sessionUid: randomBytes(8).toString('base64url'),
    });
    codes.push(await code.save());
  }
  return codes;
}

process.on('message', (message: { type: string; n?: number; codeChallenge?: string; id?: number }) => {
  if (message.type === 'mint') {
    mintCodes(message.n ?? 1, message.codeChallenge ?? '')
      .then((codes) => send({ type: 'minted', id: message.id, codes }))
      .catch((error: unknown) => send({ type: 'error', id: message.id, message: String(error) }));
  } else if (message.type === 'stop') {
    void Promise.all([app.close(), ceiling.close()])
      .then(() => platform.database.close())
      .then(() => process.exit(0));
  }
});

send({
  type: 'ready',
  clientId: client.clientId,
  redirectUri,
  accounts: accounts.map(({ idNumber, phone }) => ({ idNumber, phone })),
});
