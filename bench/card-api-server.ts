// The platform as the card API benchmark measures it, in its own process (see card-api.bench.ts).
// It registers BENCH_PEOPLE people, issues each a chip card with the Document Signer algorithm
// BENCH_CARD_ALG, registers the benchmark's relying party, and hands the chip files and the chips'
// Active Authentication keys (development simulators) to the parent over IPC.
// Environment: DATABASE_URL, PORT, DINHDANH_KEYS_DIR, BENCH_CLIENT_JWK, BENCH_PEOPLE, BENCH_CARD_ALG.
import { type CardAlgorithm, CardPkiStore, issueCard } from '@dinhdanh/card';
import { createLogger, loadConfig } from '@dinhdanh/kernel';
import { registerClient } from '@dinhdanh/oidc';
import { defaultRules, type Officer, type RegistryContext, registerBirth } from '@dinhdanh/registry';
import { buildApp, openPlatform } from '@dinhdanh/server';

const send = (message: unknown) => process.send?.(message);
const port = Number(process.env.PORT);
const config = loadConfig({
  ...process.env,
  DINHDANH_MODE: 'development',
  DINHDANH_LOG_LEVEL: 'warn',
  DINHDANH_ROLES: 'registry,audit,card',
  DINHDANH_ISSUER: `http://127.0.0.1:${port}`,
});
const platform = await openPlatform(config);
const clock = { now: () => new Date() };
const ctx: RegistryContext = {
  db: platform.database.db,
  units: platform.units,
  clock,
  rules: defaultRules,
  audit: { subjectSecret: platform.subjectSecret, auditReads: true },
};
const officer: Officer = {
  officerId: 'bench',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};
const algorithm = (process.env.BENCH_CARD_ALG ?? 'ecdsa-p256') as CardAlgorithm;
const pki = new CardPkiStore(config.keysDir, { allowCreate: true });
if (!(await pki.algorithms()).includes(algorithm)) await pki.initCsca(algorithm, { now: clock.now() });
const signer = await pki.currentDocumentSigner(algorithm, { now: clock.now(), autoIssue: true });

const cards: Array<{ files: Record<string, string>; aaKey: string }> = [];
for (let i = 0; i < Number(process.env.BENCH_PEOPLE ?? 32); i++) {
  const person = await registerBirth(ctx, officer, {
    fullName: `${['Nguyễn', 'Trần', 'Lê', 'Phạm'][i % 4]} ${['Văn', 'Thị', 'Hữu', 'Minh'][Math.floor(i / 4) % 4]} ${['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Khánh', 'Lan', 'Nam'][Math.floor(i / 16) % 8]}`,
    dateOfBirth: `19${70 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`,
    sex: i % 2 ? 'female' : 'male',
    placeOfBirth: 'Hà Nội',
    registrationCommuneCode: '00004',
    permanentAddress: { communeCode: '00004', detail: `Số ${i} Phố Thử` },
  });
  const issued = await issueCard(ctx, { idNumber: person.idNumber, officer, signer });
  cards.push({
    files: Object.fromEntries(
      Object.entries(issued.files).map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]),
    ),
    aaKey: Buffer.from(issued.chip.exportPrivateKey()).toString('base64'),
  });
}

const client = await registerClient(platform.database.db, clock, {
  name: 'Ngân hàng (đo hiệu năng)',
  redirectUris: ['https://bank.bench.example/cb'],
  jwks: { keys: [JSON.parse(process.env.BENCH_CLIENT_JWK ?? '{}') as Record<string, unknown>] },
});
const app = await buildApp({ ...platform, logger: createLogger('warn') });
await app.listen({ host: '127.0.0.1', port });

process.on('message', (message: { type: string }) => {
  if (message.type === 'stop')
    void app
      .close()
      .then(() => platform.database.close())
      .then(() => process.exit(0));
});
send({ type: 'ready', clientId: client.clientId, cards });
