import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CardAlgorithm,
  CardPkiStore,
  cardAlgorithms,
  certificateDer,
  isCardAlgorithm,
  issueCard,
  toPem,
} from '@dinhdanh/card';
import { loadConfig } from '@dinhdanh/kernel';
import { type Officer, revokeCard } from '@dinhdanh/registry';
import type { Command } from 'commander';
import { withPlatform } from '../context.ts';
import { printJson, usageError } from '../output.ts';

/** The PKI store beside the key store; it creates keys on these provisioning commands only. */
function pkiStore(): CardPkiStore {
  return new CardPkiStore(loadConfig().keysDir, { allowCreate: true });
}

function algorithmOption(value: string | undefined): CardAlgorithm | undefined {
  if (value === undefined) return undefined;
  if (!isCardAlgorithm(value)) usageError(`--alg must be one of ${cardAlgorithms.join(', ')}`);
  return value;
}

/** The operator at the console acts at national level: card issuance is a C06 function. */
const cliOfficer: Officer = {
  officerId: `cli:${process.env.USER ?? 'operator'}`,
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};

/** The reasons `revokeCard` accepts (registry CardRevocationInput). */
const cardRevocationReasons = ['lost', 'damaged', 'data_changed', 'withdrawn', 'other'] as const;
/** CRL reason codes the card PKI writes. */
const dsRevocationReasons = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation'] as const;

/** `dinhdanh card pki …`, `dinhdanh card issue …` and `dinhdanh card revoke …`. */
export function registerCardIssueCommands(card: Command): void {
  const pki = card.command('pki').description('Card PKI: CSCA, Document Signers, CRL, master list');
  const algHelp = `signature algorithm: ${cardAlgorithms.join(' | ')}`;

  pki
    .command('init')
    .description('Create the CSCA (self-signed, 15 years) if it does not exist yet (idempotent)')
    .option('--alg <alg>', algHelp, 'ecdsa-p256')
    .action(async (options: { alg: string }) => {
      const algorithm = algorithmOption(options.alg) as CardAlgorithm;
      const store = pkiStore();
      const { certificate, created } = await store.initCsca(algorithm, { now: new Date() });
      process.stdout.write(
        `${created ? 'created' : 'kept existing'} ${algorithm} CSCA in ${path.join(store.dir, algorithm)}\n`,
      );
      process.stdout.write(toPem(certificateDer(certificate)));
    });

  pki
    .command('issue-ds')
    .description('Issue a new Document Signer certificate under the CSCA (3 months of signing)')
    .option('--alg <alg>', algHelp, 'ecdsa-p256')
    .action(async (options: { alg: string }) => {
      const algorithm = algorithmOption(options.alg) as CardAlgorithm;
      const signer = await pkiStore().issueDocumentSigner(algorithm, { now: new Date() });
      process.stdout.write(toPem(certificateDer(signer.certificate)));
    });

  pki
    .command('export-masterlist')
    .description('Write a CSCA master list (CMS SignedData, 2.23.136.1.1.2) of every CSCA')
    .requiredOption('--out <file>', 'output file (DER)')
    .action(async (options: { out: string }) => {
      const list = await pkiStore().masterList({ now: new Date() });
      await writeFile(options.out, list);
      process.stdout.write(`wrote ${list.length} bytes to ${options.out}\n`);
    });

  pki
    .command('export-crl')
    .description('Write a fresh CRL of the CSCA (revoked Document Signers)')
    .option('--alg <alg>', algHelp, 'ecdsa-p256')
    .requiredOption('--out <file>', 'output file (DER)')
    .action(async (options: { alg: string; out: string }) => {
      const algorithm = algorithmOption(options.alg) as CardAlgorithm;
      await writeFile(options.out, await pkiStore().crl(algorithm, { now: new Date() }));
    });

  pki
    .command('revoke-ds')
    .description('Revoke a Document Signer (lost key, superseded): the next CRL lists it')
    .requiredOption('--alg <alg>', algHelp)
    .requiredOption('--serial <hex>', 'the Document Signer certificate serial number (hex)')
    .option('--reason <reason>', `CRL reason: ${dsRevocationReasons.join(' | ')}`, 'unspecified')
    .action(async (options: { alg: string; serial: string; reason: string }) => {
      const algorithm = algorithmOption(options.alg) as CardAlgorithm;
      if (!/^[0-9a-fA-F]+$/.test(options.serial)) usageError('--serial must be hexadecimal');
      const reason = options.reason as (typeof dsRevocationReasons)[number];
      if (!dsRevocationReasons.includes(reason))
        usageError(`--reason must be one of ${dsRevocationReasons.join(', ')}`);
      await pkiStore().revokeDocumentSigner(algorithm, options.serial, { now: new Date(), reason });
      process.stdout.write(
        `revoked ${algorithm} Document Signer ${options.serial.toLowerCase()}; export a fresh CRL with dinhdanh card pki export-crl\n`,
      );
    });

  card
    .command('revoke <idNumber>')
    .description("Revoke a person's active card (the registry records it; dependent eID levels lock)")
    .requiredOption('--reason <reason>', cardRevocationReasons.join(' | '))
    .option('--note <text>', 'free text kept with the reason')
    .option('--json', 'print JSON')
    .action(async (idNumber: string, options: { reason: string; note?: string; json?: boolean }) => {
      if (!(cardRevocationReasons as readonly string[]).includes(options.reason))
        usageError(`--reason must be one of ${cardRevocationReasons.join(', ')}`);
      await withPlatform(async (_platform, ctx) => {
        const { card: revoked } = await revokeCard(ctx, cliOfficer, {
          idNumber,
          reason: options.reason,
          ...(options.note ? { note: options.note } : {}),
        });
        if (options.json) printJson({ card: revoked });
        else process.stdout.write(`revoked card ${revoked.cardNumber} of ${idNumber} (${options.reason})\n`);
      });
    });

  card
    .command('issue <idNumber>')
    .description('Issue a chip card to a person and write the chip files, QR text and certificates')
    .requiredOption('--out <dir>', 'directory for EF_*.bin, qr.txt, ds.pem, csca.pem')
    .option('--alg <alg>', `${algHelp} (default: the first initialised CSCA)`)
    .option('--on-request', 'issue under 14 (on the request of a parent or guardian)')
    .option('--json', 'print JSON')
    .action(
      async (
        idNumber: string,
        options: { out: string; alg?: string; onRequest?: boolean; json?: boolean },
      ) => {
        const store = pkiStore();
        const algorithm = algorithmOption(options.alg) ?? (await store.algorithms())[0] ?? 'ecdsa-p256';
        await withPlatform(async (_platform, ctx) => {
          const signer = await store.currentDocumentSigner(algorithm, {
            now: ctx.clock.now(),
            autoIssue: true,
          });
          const issued = await issueCard(ctx, {
            idNumber,
            officer: cliOfficer,
            signer,
            onRequest: options.onRequest ?? false,
          });
          await mkdir(options.out, { recursive: true });
          const written: Record<string, Uint8Array | string> = {
            ...issued.files,
            'qr.txt': `${issued.qr}\n`,
            'ds.pem': issued.dsPem,
            'csca.pem': issued.cscaPem,
          };
          for (const [name, content] of Object.entries(written))
            await writeFile(path.join(options.out, name), content);
          if (options.json) printJson({ card: issued.card, algorithm, files: Object.keys(written) });
          else
            process.stdout.write(
              `issued card ${issued.card.cardNumber} (${algorithm}), valid until ${issued.card.expiryDate ?? 'Không thời hạn'}; files in ${options.out}\n`,
            );
        });
      },
    );
}
