// Card verification through the HTTP API (`POST /api/card/v1/verifications`, passive + active,
// registry cross-check and audit entry included) on a throwaway PostgreSQL, server in its own
// process. Challenges and client assertions are made before the timed window; each timed request
// consumes its own challenge. Used by card.bench.ts, which sets the crypto-only ceiling beside it.
import { type ChildProcess, fork } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createChipSimulator } from '@dinhdanh/card';
import { createClusterDatabase, freePort, startPostgresCluster } from '@dinhdanh/db/cluster';
import { jwsSigner } from '@dinhdanh/kernel';
import { median } from './jws.bench.ts';

interface Ready {
  type: 'ready';
  clientId: string;
  cards: Array<{ files: Record<string, string>; aaKey: string }>;
}

function call(
  agent: http.Agent,
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function runCardApiBench(options: {
  algorithm: string;
  seconds: number;
  rounds: number;
  concurrency?: number;
}): Promise<{ perSecond: number; failures: number; firstFailure: string }> {
  const concurrency = options.concurrency ?? 16;
  const cluster = await startPostgresCluster();
  const keysDir = mkdtempSync(path.join(tmpdir(), 'card-api-bench-'));
  const rp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = jwsSigner({ alg: 'ES256', key: rp.privateKey, kid: 'bench' });
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    child = fork(new URL('./card-api-server.ts', import.meta.url), [], {
      env: {
        ...process.env,
        DATABASE_URL: await createClusterDatabase(cluster.url, 'bench_card'),
        PORT: String(port),
        DINHDANH_KEYS_DIR: keysDir,
        BENCH_CARD_ALG: options.algorithm,
        BENCH_PEOPLE: '32',
        BENCH_CLIENT_JWK: JSON.stringify({
          ...rp.publicKey.export({ format: 'jwk' }),
          kid: 'bench',
          alg: 'ES256',
        }),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Ready>((resolve, reject) => {
      child?.once('exit', (code) => reject(new Error(`card API bench server exited with ${code}`)));
      child?.on('message', (m: { type: string }) => m.type === 'ready' && resolve(m as Ready));
    });
    const base = `http://127.0.0.1:${port}/api/card/v1`;
    const assertion = () => {
      const now = Math.floor(Date.now() / 1000);
      return signer.sign({
        iss: ready.clientId,
        sub: ready.clientId,
        aud: base,
        jti: randomUUID(),
        iat: now,
        exp: now + 240,
      });
    };
    const chips = ready.cards.map((card) =>
      createChipSimulator(
        createPrivateKey({ key: Buffer.from(card.aaKey, 'base64'), format: 'der', type: 'pkcs8' }),
      ),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const rates: number[] = [];
    let failures = 0;
    let firstFailure = '';
    let batch = 200;
    for (let round = 0; round <= options.rounds; round++) {
      // Untimed: a challenge, a signed nonce and an assertion per request.
      const jobs: Array<{ token: string; body: unknown }> = [];
      for (let i = 0; i < batch; i++) {
        const cardIndex = i % ready.cards.length;
        const card = ready.cards[cardIndex] as Ready['cards'][number];
        const challenge = await call(agent, `${base}/challenges`, assertion(), {});
        const nonce = new Uint8Array(Buffer.from(String(challenge.json.nonce), 'base64url'));
        const signature = (chips[cardIndex] as ReturnType<typeof createChipSimulator>).internalAuthenticate(
          nonce,
        );
        jobs.push({
          token: assertion(),
          body: {
            sod: card.files['EF_SOD.bin'],
            dataGroups: {
              '1': card.files['EF_DG1.bin'],
              '2': card.files['EF_DG2.bin'],
              '13': card.files['EF_DG13.bin'],
              '15': card.files['EF_DG15.bin'],
            },
            activeAuthentication: {
              challengeId: String(challenge.json.challengeId),
              signature: Buffer.from(signature).toString('base64'),
            },
          },
        });
      }
      let next = 0;
      let ok = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < jobs.length) {
            const job = jobs[next++] as (typeof jobs)[number];
            const answer = await call(agent, `${base}/verifications`, job.token, job.body);
            if (answer.status === 200 && answer.json.valid === true) ok++;
            else {
              failures++;
              firstFailure ||= `${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`;
            }
          }
        }),
      );
      const rate = ok / ((performance.now() - start) / 1000);
      if (round > 0) rates.push(rate);
      batch = Math.max(100, Math.min(5_000, Math.ceil(rate * options.seconds)));
    }
    agent.destroy();
    child.send({ type: 'stop' });
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;
    return { perSecond: median(rates), failures, firstFailure };
  } finally {
    child?.kill();
    cluster.stop();
    rmSync(keysDir, { recursive: true, force: true });
  }
}
