import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@dinhdanh/kernel';
import type { Certificate } from '@peculiar/asn1-x509';
import { type CardAlgorithm, cardAlgorithms, generateCardKeyPair } from './algorithms.ts';
import {
  type CrlReason,
  certificateDer,
  createCrl,
  createCscaCertificate,
  createDocumentSignerCertificate,
  fromPem,
  type Issuer,
  parseCertificate,
  type RevokedSigner,
  serialHex,
  toPem,
} from './certificates.ts';
import { createMasterList } from './master-list.ts';

/** A Document Signer ready to sign SODs, with the CSCA that issued it. */
export interface DocumentSigner extends Issuer {
  csca: Certificate;
}

export const DEFAULT_CSCA_SUBJECT = 'C=VN, O=Bo Cong an, OU=C06, CN=CSCA Can cuoc Viet Nam';
export const DEFAULT_DS_SUBJECT = 'C=VN, O=Bo Cong an, OU=C06, CN=Document Signer Can cuoc';

const isErrno = (error: unknown, code: string) => (error as NodeJS.ErrnoException).code === code;

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

const privatePem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * The card PKI's keys and certificates, in files under `<keysDir>/card-pki/<algorithm>/`.
 *
 * Why files beside the kernel key store rather than key-store secrets: the KeyStore interface
 * holds 32-byte secrets and Ed25519 keys, and an RSA key cannot be derived from 32 bytes. The
 * OpenID provider keeps its JWKS beside the store for the same reason. Private keys are PKCS#8
 * PEM files with mode 0600 in directories with mode 0700, written with O_EXCL so two processes
 * never overwrite each other's CSCA. An HSM-backed store would implement the same methods.
 *
 * Layout per algorithm: `csca.pem` + `csca.key`; `ds/<serial>.pem` + `ds/<serial>.key`;
 * `revoked.json` (revoked DS serials, the CRL's source); `crl-number`.
 */
export class CardPkiStore {
  readonly dir: string;
  readonly allowCreate: boolean;

  constructor(keysDir: string, options: { allowCreate: boolean }) {
    this.dir = path.join(keysDir, 'card-pki');
    this.allowCreate = options.allowCreate;
  }

  private algDir(algorithm: CardAlgorithm): string {
    return path.join(this.dir, algorithm);
  }

  /** The algorithms with a CSCA, in the catalogue's order. */
  async algorithms(): Promise<CardAlgorithm[]> {
    const found: CardAlgorithm[] = [];
    for (const algorithm of cardAlgorithms)
      if (await readOptional(path.join(this.algDir(algorithm), 'csca.pem'))) found.push(algorithm);
    return found;
  }

  /** Creates the CSCA for `algorithm` unless it exists (idempotent, like `keys init`). */
  async initCsca(
    algorithm: CardAlgorithm,
    options: { now: Date; subject?: string },
  ): Promise<{ certificate: Certificate; created: boolean }> {
    const existing = await this.findCsca(algorithm);
    if (existing) return { certificate: existing.certificate, created: false };
    if (!this.allowCreate) throw new AppError('ERR_CARD_PKI_NOT_INITIALISED', 'the key store is read-only');
    const dir = this.algDir(algorithm);
    await mkdir(path.join(dir, 'ds'), { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateCardKeyPair(algorithm, 'csca');
    const certificate = createCscaCertificate({
      algorithm,
      privateKey,
      publicKey,
      subject: options.subject ?? DEFAULT_CSCA_SUBJECT,
      notBefore: options.now,
    });
    try {
      await writeFile(path.join(dir, 'csca.key'), privatePem(privateKey), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (isErrno(error, 'EEXIST')) return this.initCsca(algorithm, options);
      throw error;
    }
    await writeFile(path.join(dir, 'csca.pem'), toPem(certificateDer(certificate)));
    return { certificate, created: true };
  }

  private async findCsca(algorithm: CardAlgorithm): Promise<Issuer | undefined> {
    const dir = this.algDir(algorithm);
    const pem = await readOptional(path.join(dir, 'csca.pem'));
    const key = await readOptional(path.join(dir, 'csca.key'));
    if (!pem || !key) return undefined;
    return { algorithm, certificate: parseCertificate(fromPem(pem)), privateKey: createPrivateKey(key) };
  }

  async csca(algorithm: CardAlgorithm): Promise<Issuer> {
    const found = await this.findCsca(algorithm);
    if (!found)
      throw new AppError('ERR_CARD_PKI_NOT_INITIALISED', `no ${algorithm} CSCA: run dinhdanh card pki init`, {
        algorithm,
      });
    return found;
  }

  /** A new Document Signer under the CSCA of `algorithm`; it becomes the current one. */
  async issueDocumentSigner(
    algorithm: CardAlgorithm,
    options: { now: Date; subject?: string },
  ): Promise<DocumentSigner> {
    const csca = await this.csca(algorithm);
    if (!this.allowCreate) throw new AppError('ERR_CARD_PKI_NOT_INITIALISED', 'the key store is read-only');
    const { privateKey, publicKey } = generateCardKeyPair(algorithm, 'ds');
    const certificate = createDocumentSignerCertificate({
      issuer: csca,
      publicKey,
      subject: options.subject ?? DEFAULT_DS_SUBJECT,
      notBefore: options.now,
    });
    const dir = path.join(this.algDir(algorithm), 'ds');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const serial = serialHex(certificate);
    await writeFile(path.join(dir, `${serial}.key`), privatePem(privateKey), { mode: 0o600, flag: 'wx' });
    await writeFile(path.join(dir, `${serial}.pem`), toPem(certificateDer(certificate)));
    return { algorithm, certificate, privateKey, csca: csca.certificate };
  }

  /** Every Document Signer of `algorithm`, oldest first. */
  async documentSigners(algorithm: CardAlgorithm): Promise<DocumentSigner[]> {
    const csca = await this.csca(algorithm);
    const dir = path.join(this.algDir(algorithm), 'ds');
    let files: string[] = [];
    try {
      files = await readdir(dir);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    const signers: DocumentSigner[] = [];
    for (const file of files.filter((name) => name.endsWith('.pem'))) {
      const key = await readOptional(path.join(dir, file.replace(/\.pem$/, '.key')));
      if (!key) continue;
      const certificate = parseCertificate(fromPem(await readFile(path.join(dir, file), 'utf8')));
      signers.push({ algorithm, certificate, privateKey: createPrivateKey(key), csca: csca.certificate });
    }
    const notBefore = (s: DocumentSigner) =>
      s.certificate.tbsCertificate.validity.notBefore.getTime().getTime();
    return signers.sort((a, b) => notBefore(a) - notBefore(b));
  }

  /**
   * The newest Document Signer that is not revoked and is inside its private key usage period
   * (3 months) at `now`; with `autoIssue` a new one is made when there is none.
   */
  async currentDocumentSigner(
    algorithm: CardAlgorithm,
    options: { now: Date; autoIssue?: boolean },
  ): Promise<DocumentSigner> {
    const revoked = new Set((await this.revoked(algorithm)).map((entry) => entry.serial));
    const usable = (await this.documentSigners(algorithm)).filter((signer) => {
      if (revoked.has(serialHex(signer.certificate))) return false;
      const validity = signer.certificate.tbsCertificate.validity;
      const usageEnd = new Date(validity.notBefore.getTime().getTime());
      usageEnd.setUTCMonth(usageEnd.getUTCMonth() + 3);
      const from = validity.notBefore.getTime().getTime();
      return from <= options.now.getTime() && options.now.getTime() < usageEnd.getTime();
    });
    const current = usable.at(-1);
    if (current) return current;
    if (options.autoIssue && this.allowCreate)
      return this.issueDocumentSigner(algorithm, { now: options.now });
    throw new AppError(
      'ERR_CARD_SIGNER_UNAVAILABLE',
      `no usable ${algorithm} Document Signer: run dinhdanh card pki issue-ds`,
      { algorithm },
    );
  }

  private async revoked(algorithm: CardAlgorithm): Promise<RevokedSigner[]> {
    const text = await readOptional(path.join(this.algDir(algorithm), 'revoked.json'));
    if (!text) return [];
    return (JSON.parse(text) as { serial: string; revokedAt: string; reason: CrlReason }[]).map((entry) => ({
      ...entry,
      revokedAt: new Date(entry.revokedAt),
    }));
  }

  /** Revokes a Document Signer (lost key, superseded) so the next CRL lists it. */
  async revokeDocumentSigner(
    algorithm: CardAlgorithm,
    serial: string,
    options: { now: Date; reason: CrlReason },
  ): Promise<void> {
    const signers = await this.documentSigners(algorithm);
    if (!signers.some((signer) => serialHex(signer.certificate) === serial.toLowerCase()))
      throw new AppError('ERR_CARD_SIGNER_UNAVAILABLE', `no ${algorithm} Document Signer ${serial}`);
    const revoked = await this.revoked(algorithm);
    if (revoked.some((entry) => entry.serial === serial.toLowerCase())) return;
    revoked.push({ serial: serial.toLowerCase(), revokedAt: options.now, reason: options.reason });
    await writeFile(
      path.join(this.algDir(algorithm), 'revoked.json'),
      `${JSON.stringify(revoked, null, 2)}\n`,
    );
  }

  /** A fresh CRL (DER) of the CSCA of `algorithm`, valid for 90 days (ICAO: at least every 90 days). */
  async crl(algorithm: CardAlgorithm, options: { now: Date }): Promise<Uint8Array> {
    const issuer = await this.csca(algorithm);
    const numberFile = path.join(this.algDir(algorithm), 'crl-number');
    const crlNumber = Number((await readOptional(numberFile))?.trim() ?? '0') + 1;
    await writeFile(numberFile, `${crlNumber}\n`);
    const nextUpdate = new Date(options.now.getTime() + 90 * 86_400_000);
    const crl = createCrl({
      issuer,
      revoked: await this.revoked(algorithm),
      crlNumber,
      thisUpdate: options.now,
      nextUpdate,
    });
    return certificateDer(crl);
  }

  /** A master list of every CSCA in the store, signed by the first CSCA (see createMasterList). */
  async masterList(options: { now: Date }): Promise<Uint8Array> {
    const algorithms = await this.algorithms();
    const first = algorithms[0];
    if (!first) throw new AppError('ERR_CARD_PKI_NOT_INITIALISED', 'no CSCA: run dinhdanh card pki init');
    const cscas = await Promise.all(
      algorithms.map(async (algorithm) => (await this.csca(algorithm)).certificate),
    );
    return createMasterList({ cscas, signer: await this.csca(first), signingTime: options.now });
  }
}
