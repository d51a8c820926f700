import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type CardVerification,
  cardTrustLoader,
  createTrustStore,
  importTrustFile,
  type TrustStore,
  verifyCard,
} from '@dinhdanh/card';
import { isAppError, loadConfig, systemClock } from '@dinhdanh/kernel';
import type { Command } from 'commander';
import { registerCardIssueCommands } from './card-issue.ts';

/** `dinhdanh card …`: chip ID cards (ICAO 9303). Verification here; PKI and issuance in card-issue.ts. */
export function registerCardCommands(program: Command): void {
  const card = program.command('card').description('Chip ID cards (ICAO 9303): PKI, issuance, verification');
  registerCardIssueCommands(card);
  card
    .command('verify <dir>')
    .description('Passive authentication of chip files (EF_SOD.bin, EF_DG<n>.bin) read from a card')
    .option(
      '--trust <file...>',
      "trust anchor: CSCA or DS certificate (DER/PEM), CSCA master list, or CRL (default: the platform's own CSCAs and DINHDANH_CARD_TRUST)",
      [],
    )
    .option('--at <iso-time>', 'evaluate certificate validity at this time instead of now')
    .option('--json', 'print the structured result')
    .action(async (dir: string, options: { trust: string[]; at?: string; json?: boolean }) => {
      process.exitCode = await verifyDirectory(dir, options);
    });
}

/**
 * Without --trust: the anchors the platform itself verifies cards with — its own CSCAs in the key
 * directory and the files in DINHDANH_CARD_TRUST — never a certificate lying beside the chip files
 * (anyone who copies a card can put one there).
 */
async function platformTrust(): Promise<{ trust: TrustStore; source: string }> {
  const config = loadConfig();
  const trust = await cardTrustLoader({
    keysDir: config.keysDir,
    extraFiles: config.cardTrustFiles,
    clock: systemClock,
  })();
  const extra = config.cardTrustFiles.length
    ? ` + DINHDANH_CARD_TRUST (${config.cardTrustFiles.length} files)`
    : '';
  return { trust, source: `${path.join(config.keysDir, 'card-pki')}${extra}` };
}

async function verifyDirectory(
  dir: string,
  options: { trust: string[]; at?: string; json?: boolean },
): Promise<number> {
  const at = options.at === undefined ? undefined : new Date(options.at);
  if (at && Number.isNaN(at.getTime())) {
    process.stderr.write(`--at: not an ISO time: ${options.at}\n`);
    return 2;
  }
  const sodPath = path.join(dir, 'EF_SOD.bin');
  if (!existsSync(sodPath)) {
    process.stderr.write(`${sodPath} is missing (EF.SOD is required)\n`);
    return 2;
  }
  const platform = options.trust.length === 0 ? await platformTrust() : undefined;
  const trust = platform?.trust ?? createTrustStore();
  if (platform && !options.json)
    process.stderr.write(`Tin cậy / trusting the platform's CSCAs: ${platform.source}\n`);
  for (const file of options.trust) {
    try {
      const imported = importTrustFile(trust, new Uint8Array(readFileSync(file)));
      if (imported.kind === 'master_list' && !options.json) {
        const ml = imported.masterList;
        process.stderr.write(
          `${file}: master list, ${ml.certificates.length} certificates, signature ${ml.signature}\n`,
        );
      }
    } catch (error) {
      process.stderr.write(`${file}: ${isAppError(error) ? error.message : String(error)}\n`);
      return 2;
    }
  }
  const dataGroups = new Map<number, Uint8Array>();
  for (let dg = 1; dg <= 16; dg++) {
    const file = path.join(dir, `EF_DG${dg}.bin`);
    if (existsSync(file)) dataGroups.set(dg, new Uint8Array(readFileSync(file)));
  }
  const result = verifyCard(
    { sod: new Uint8Array(readFileSync(sodPath)), dataGroups },
    at ? { trust, at } : { trust },
  );
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(describe(result));
    if (result.chain.reason === 'untrusted_signer')
      process.stderr.write(
        'Gợi ý: không có CSCA tin cậy nào cấp chứng thư của cơ quan ký (DS). Chỉ ra CSCA hoặc danh sách CSCA (master list) của quốc gia cấp thẻ bằng --trust TỆP.\n' +
          "Hint: no trusted CSCA issued the Document Signer. Name the issuing country's CSCA or master list with --trust FILE " +
          "(a csca.pem beside the chip files is not trusted by itself: anyone copying a card can put one there). Cards this platform issued verify without --trust when DINHDANH_KEYS_DIR is the platform's key directory.\n",
      );
  }
  return result.valid ? 0 : 1;
}

function describe(result: CardVerification): string {
  const lines = [
    result.valid
      ? `VALID: the card data verifies${result.warnings.length ? ` (warnings: ${result.warnings.join(', ')})` : ''}`
      : `INVALID: ${result.failures.join(', ')}`,
  ];
  for (const dg of result.dataGroups)
    lines.push(`  DG${dg.dg}: ${dg.status}${dg.reason ? ` (${dg.reason})` : ''}`);
  const row = (name: string, check: { status: string; reason?: string; detail?: string }) =>
    `  ${name}: ${check.status}${check.reason ? ` (${check.reason}${check.detail ? `: ${check.detail}` : ''})` : ''}`;
  lines.push(
    row('SOD signature', result.signature),
    row('chain', result.chain),
    row('revocation', result.revocation),
  );
  if (result.chain.signer) lines.push(`  signer: ${result.chain.signer.subject}`);
  if (result.chain.anchor && !result.chain.anchorIsSigner)
    lines.push(`  anchor: ${result.chain.anchor.subject}`);
  if (result.dg1) lines.push(`  MRZ: ${result.dg1.documentNumber} ${result.dg1.primaryIdentifier}`);
  return `${lines.join('\n')}\n`;
}
