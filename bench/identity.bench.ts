// `npm run bench:identity`: eID and OpenID provider figures in one run, each beside its ceiling
// measured in the same run (issue 4):
//   1. token endpoint (authorization code → tokens with private_key_jwt and DPoP) against
//      1/(1/r_http + Σ 1/r_op) — r_http a bare Fastify route, r_op the raw node:crypto rate of
//      each signature operation the request needs (client assertion and DPoP proof verified,
//      ID token signed; access tokens are opaque) — also with one new connection per request,
//      Keycloak's published scenario;
//   2. complete password + SMS-code logins per second against the raw argon2id verify rate at
//      the configured cost (m = 19 MiB, t = 2, p = 1);
//   3. JWS helpers against raw node:crypto (bench/jws.bench.ts);
//   4. bytes per active session (bench/session-size.bench.ts).
//
//   npx node bench/identity.bench.ts [--seconds S] [--rounds R] [--sessions N]
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { createClusterDatabase, freePort, startPostgresCluster } from '@dinhdanh/db/cluster';
import { jwsSigner } from '@dinhdanh/kernel';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { formatJwsBench, idTokenClaims, measureSync, median, runJwsBench } from './jws.bench.ts';
import { formatSessionSize, runSessionSizeBench } from './session-size.bench.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);
const BENCH_PASSWORD = 'một câu mật khẩu đủ dài cho đo hiệu năng';

interface Ready {
  type: 'ready';
  clientId: string;
  redirectUri: string;
  accounts: Array<{ idNumber: string; phone: string }>;
}

// ── the server process ──
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(new URL('./identity-bench-server.ts', import.meta.url), [], {
    env: { ...process.env, ...env },
    // BENCH_CPU_PROF=dir writes a V8 CPU profile of the server, to see where a request's time goes.
    ...(process.env.BENCH_CPU_PROF
      ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] }
      : {}),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    const onMessage = (message: { type: string }) => {
      if (message.type === 'ready') {
        child.off('message', onMessage);
        resolve({ child, ready: message as Ready });
      }
    };
    child.on('message', onMessage);
  });
}

let nextId = 0;
function mint(child: ChildProcess, n: number, codeChallenge: string): Promise<string[]> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string; id?: number; codes?: string[]; message?: string }) => {
      if (message.id !== id) return;
      child.off('message', onMessage);
      if (message.type === 'minted') resolve(message.codes ?? []);
      else reject(new Error(message.message));
    };
    child.on('message', onMessage);
    child.send({ type: 'mint', id, n, codeChallenge });
  });
}

// ── a small HTTP client: closed loop, keep-alive or a new connection per request ──
interface Reply {
  status: number;
  body: string;
}
function request(
  agent: http.Agent | false,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `worker` in `parallel` loops until `jobs` run out; returns completions per second. */
async function closedLoop<T>(jobs: T[], parallel: number, worker: (job: T) => Promise<boolean>) {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure = '';
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++] as T;
        try {
          if (await worker(job)) ok++;
          else failed++;
        } catch (error) {
          failed++;
          firstFailure ||= String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: ok / elapsed, ok, failed, firstFailure };
}

// ── 1. token endpoint ──
const clientKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const clientJwk = {
  ...clientKeys.publicKey.export({ format: 'jwk' }),
  kid: 'bench-rp',
  alg: 'ES256',
  use: 'sig',
};
const dpopKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const dpopJwk = dpopKeys.publicKey.export({ format: 'jwk' });
const assertionSigner = jwsSigner(
  { alg: 'ES256', key: clientKeys.privateKey, kid: 'bench-rp' },
  { typ: 'JWT' },
);
const dpopSigner = jwsSigner({ alg: 'ES256', key: dpopKeys.privateKey }, { typ: 'dpop+jwt' });

function tokenRequests(codes: string[], issuer: string, ready: Ready, codeVerifier: string) {
  const tokenUrl = `${issuer}/oidc/token`;
  const now = Math.floor(Date.now() / 1000);
  return codes.map((code) => {
    const assertion = assertionSigner.sign({
      iss: ready.clientId,
      sub: ready.clientId,
      aud: issuer,
      jti: randomBytes(16).toString('base64url'),
      iat: now,
      exp: now + 120,
    });
    const proof = dpopSigner.sign(
      { htm: 'POST', htu: tokenUrl, iat: now, jti: randomBytes(16).toString('base64url') },
      { jwk: dpopJwk },
    );
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: ready.redirectUri,
      code_verifier: codeVerifier,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }).toString();
    return { body, proof };
  });
}

async function measureTokenEndpoint(
  child: ChildProcess,
  issuer: string,
  ready: Ready,
  newConnection: boolean,
) {
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const agent = newConnection ? false : new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${issuer}/oidc/token`);
  const rates: number[] = [];
  let batch = 400;
  let failures = 0;
  let firstFailure = '';
  // A short warm-up round, then measured rounds sized from the previous rate.
  for (let round = 0; round <= rounds; round++) {
    const codes = await mint(child, batch, codeChallenge);
    const jobs = tokenRequests(codes, issuer, ready, codeVerifier);
    const result = await closedLoop(jobs, concurrency, async (job) => {
      const reply = await request(
        agent,
        url,
        'POST',
        {
          'content-type': 'application/x-www-form-urlencoded',
          dpop: job.proof,
          ...(newConnection ? { connection: 'close' } : {}),
        },
        job.body,
      );
      if (reply.status !== 200) firstFailure ||= `${reply.status} ${reply.body.slice(0, 200)}`;
      return reply.status === 200 && reply.body.includes('"id_token"');
    });
    if (round > 0) rates.push(result.perSecond);
    failures += result.failed;
    firstFailure ||= result.firstFailure;
    batch = Math.max(200, Math.min(20_000, Math.ceil(result.perSecond * seconds)));
  }
  if (agent) agent.destroy();
  return { perSecond: median(rates), failures, firstFailure };
}

// ── 2. login flows ──
async function measureLogins(child: ChildProcess, issuer: string, ready: Ready) {
  const waiting = new Map<string, (code: string) => void>();
  const early = new Map<string, string>();
  child.on('message', (message: { type: string; phone?: string; code?: string }) => {
    if (message.type !== 'otp' || !message.phone || !message.code) return;
    const resolve = waiting.get(message.phone);
    if (resolve) {
      waiting.delete(message.phone);
      resolve(message.code);
    } else early.set(message.phone, message.code);
  });
  const codeFor = (phone: string) =>
    new Promise<string>((resolve) => {
      const code = early.get(phone);
      if (code) {
        early.delete(phone);
        resolve(code);
      } else waiting.set(phone, resolve);
    });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const json = { 'content-type': 'application/json' };
  const flow = async (account: { idNumber: string; phone: string }) => {
    const first = await request(
      agent,
      new URL(`${issuer}/api/identity/v1/logins`),
      'POST',
      json,
      JSON.stringify({ idNumber: account.idNumber, password: BENCH_PASSWORD }),
    );
    if (first.status !== 200) throw new Error(`login ${first.status} ${first.body.slice(0, 200)}`);
    const { loginId } = JSON.parse(first.body) as { loginId: string };
    const code = await codeFor(account.phone);
    const second = await request(
      agent,
      new URL(`${issuer}/api/identity/v1/logins/${loginId}/otp`),
      'POST',
      json,
      JSON.stringify({ method: 'sms', code }),
    );
    return second.status === 200;
  };
  // Each parallel loop owns its accounts, so no two flows wait for the same phone's code.
  const parallel = Math.min(Number(process.env.BENCH_LOGIN_PARALLEL ?? 32), ready.accounts.length);
  const rates: number[] = [];
  let failures = 0;
  let firstFailure = '';
  for (let round = 0; round <= rounds; round++) {
    const deadline = performance.now() + (round === 0 ? 2 : seconds) * 1000;
    let ok = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: parallel }, async (_, loop) => {
        let i = loop;
        while (performance.now() < deadline) {
          try {
            if (await flow(ready.accounts[i % ready.accounts.length] as Ready['accounts'][number])) ok++;
            else failures++;
          } catch (error) {
            failures++;
            firstFailure ||= String(error);
          }
          i += parallel;
        }
      }),
    );
    if (round > 0) rates.push(ok / ((performance.now() - start) / 1000));
  }
  agent.destroy();
  return { perSecond: median(rates), failures, firstFailure };
}

/** argon2id verifications per second at the configured cost, as many in flight as the login bench. */
async function measureArgon() {
  const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
  const phc = await argonHash(BENCH_PASSWORD, options);
  const rates: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const deadline = performance.now() + (round === 0 ? 1 : Math.min(seconds, 5)) * 1000;
    let n = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < deadline) {
          await argonVerify(phc, BENCH_PASSWORD);
          n++;
        }
      }),
    );
    if (round > 0) rates.push(n / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

async function measureCeilingHttp(port: number, newConnection: boolean) {
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (newConnection) {
      const url = new URL(`http://127.0.0.1:${port}/ping`);
      const jobs = Array.from({ length: 3000 });
      const result = await closedLoop(jobs, concurrency, async () => {
        const reply = await request(false, url, 'GET', { connection: 'close' });
        return reply.status === 200;
      });
      rates.push(result.perSecond);
    } else {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}/ping`,
        connections: concurrency,
        duration: Math.min(seconds, 5),
      });
      rates.push(result.requests.average);
    }
  }
  return median(rates);
}

// ── run ──
const cluster = await startPostgresCluster();
let server: ChildProcess | undefined;
try {
  const databaseUrl = await createClusterDatabase(cluster.url, 'bench_identity');
  const port = await freePort();
  const ceilingPort = await freePort();
  const keysDir = `/tmp/dinhdanh-bench-keys-${process.pid}`;
  const started = await startServer({
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    CEILING_PORT: String(ceilingPort),
    BENCH_CLIENT_JWK: JSON.stringify(clientJwk),
    BENCH_ACCOUNTS: '64',
    BENCH_PASSWORD,
    DINHDANH_KEYS_DIR: keysDir,
  });
  server = started.child;
  const issuer = `http://127.0.0.1:${port}`;

  // Raw operation rates on one core (the parent; the server is idle meanwhile).
  const claims = idTokenClaims();
  const signed = jwsSigner({ alg: 'ES256', key: clientKeys.privateKey }).sign(claims);
  const input = Buffer.from(signed.slice(0, signed.lastIndexOf('.')));
  const signature = Buffer.from(signed.slice(signed.lastIndexOf('.') + 1), 'base64url');
  const es256Sign = measureSync(() =>
    sign('sha256', input, { key: clientKeys.privateKey, dsaEncoding: 'ieee-p1363' }),
  );
  const es256Verify = measureSync(() =>
    verify('sha256', input, { key: clientKeys.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
  );
  const httpKeepAlive = await measureCeilingHttp(ceilingPort, false);
  const httpNewConnection = await measureCeilingHttp(ceilingPort, true);
  // Client assertion and DPoP proof verified, ID token signed.
  const ceilingFor = (rHttp: number) => 1 / (1 / rHttp + 2 / es256Verify + 1 / es256Sign);
  const token =
    process.env.BENCH_ONLY === 'login'
      ? { perSecond: Number.NaN, failures: 0, firstFailure: '' }
      : await measureTokenEndpoint(server, issuer, started.ready, false);
  // BENCH_ONLY=token measures the token endpoint alone (with BENCH_CPU_PROF, a clean profile).
  const only = process.env.BENCH_ONLY;
  const skipped = { perSecond: Number.NaN, failures: 0, firstFailure: '' };
  const tokenNewConnection =
    only === 'token' ? skipped : await measureTokenEndpoint(server, issuer, started.ready, true);
  const logins = only === 'token' ? skipped : await measureLogins(server, issuer, started.ready);
  const argon = only === 'token' ? Number.NaN : await measureArgon();
  server.send({ type: 'stop' });
  await new Promise((resolve) => server?.once('exit', resolve));
  server = undefined;

  const jws = await runJwsBench();
  const sessions = await runSessionSizeBench({ sessions: Number(args.sessions), serverUrl: cluster.url });

  const r = (value: number) => Math.round(value).toLocaleString('en');
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
  process.stdout.write(
    [
      `identity benchmark, ${new Date().toISOString()} (2 shared cores; server, PostgreSQL and load generator on one machine)`,
      '',
      `raw node:crypto on one core: ES256 sign ${r(es256Sign)}/s, verify ${r(es256Verify)}/s`,
      `trivial Fastify route: ${r(httpKeepAlive)} req/s keep-alive, ${r(httpNewConnection)} req/s new connection per request`,
      '',
      'token endpoint (code → tokens, private_key_jwt + DPoP + PKCE, ID token ES256, opaque DPoP-bound access token):',
      `  keep-alive:              ${r(token.perSecond)} req/s, ceiling ${r(ceilingFor(httpKeepAlive))} → ${pct(token.perSecond, ceilingFor(httpKeepAlive))} (target ≥ 40 %)`,
      `  new connection each:     ${r(tokenNewConnection.perSecond)} req/s, ceiling ${r(ceilingFor(httpNewConnection))} → ${pct(tokenNewConnection.perSecond, ceilingFor(httpNewConnection))}`,
      `  per vCPU (÷ 2):          ${r(tokenNewConnection.perSecond / 2)} req/s new-connection vs Keycloak's published 120 client-credential grants/s per vCPU → ${(tokenNewConnection.perSecond / 2 / 120).toFixed(1)}× (target ≥ 10×)`,
      `  failures: ${token.failures + tokenNewConnection.failures}${token.firstFailure || tokenNewConnection.firstFailure ? ` (first: ${token.firstFailure || tokenNewConnection.firstFailure})` : ''}`,
      '',
      `password + SMS-code logins: ${r(logins.perSecond)} complete flows/s vs raw argon2id verify ${r(argon)}/s → ${pct(logins.perSecond, argon)} (target ≥ 85 %; Keycloak publishes 15 logins/s per vCPU)`,
      `  failures: ${logins.failures}${logins.firstFailure ? ` (first: ${logins.firstFailure})` : ''}`,
      '',
      formatJwsBench(jws),
      '',
      formatSessionSize(sessions),
      '',
      JSON.stringify({
        date: new Date().toISOString(),
        es256Sign,
        es256Verify,
        httpKeepAlive,
        httpNewConnection,
        token,
        tokenNewConnection,
        logins,
        argon,
        jws,
        sessions,
      }),
      '',
    ].join('\n'),
  );
} finally {
  server?.kill();
  cluster.stop();
}
