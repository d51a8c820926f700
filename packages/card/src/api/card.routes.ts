import { appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import type { RegistryContext } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TrustStore } from '../trust/trust-store.ts';
import { verifyCard } from '../verify/passive-auth.ts';
import { CHALLENGE_SECONDS, consumeChallenge, createChallenge } from './challenge.repository.ts';
import { checkCardQr } from './qr-check.ts';
import { checkAgainstRegistry } from './registry-check.ts';

export interface RelyingPartyIdentity {
  clientId: string;
  name: string;
}

export interface CardRoutesOptions {
  registry: RegistryContext;
  /** The platform's and imported trust anchors (see cardTrustLoader). */
  trust: () => Promise<TrustStore>;
  /** Authenticates the calling relying party (a registered client); throws ERR_UNAUTHENTICATED. */
  authenticateRelyingParty: (request: FastifyRequest) => Promise<RelyingPartyIdentity>;
}

const Base64 = z
  .string()
  .max(2_000_000)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64 or base64url');
const bytesOf = (value: string) =>
  new Uint8Array(Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64'));

const VerificationRequest = z.object({
  /** The files as read from the chip, each the complete TLV with its outer tag. */
  sod: Base64,
  dataGroups: z.record(z.string().regex(/^(1[0-6]|[1-9])$/), Base64).default({}),
  activeAuthentication: z.object({ challengeId: z.string().uuid(), signature: Base64 }).optional(),
  /** Evaluate certificate validity at this time (archived cards); default now. */
  at: z.string().datetime().optional(),
});

const PURPOSE = 'Xác thực thẻ căn cước gắn chip / chip ID card verification';
const LEGAL_BASIS = 'Luật Căn cước 26/2023/QH15; Nghị định 70/2024/NĐ-CP';

/**
 * The verification API for relying parties (banks at the counter, hospitals): a fresh Active
 * Authentication challenge, then a verification of what the reader got from the chip — passive
 * authentication, chain to a trusted CSCA, CRLs, Active Authentication against the single-use
 * nonce, and a cross-check with the registry. Every verification of a person's card is recorded
 * on their access log, with the relying party as the actor.
 */
export async function cardRoutes(app: FastifyInstance, options: CardRoutesOptions): Promise<void> {
  const { registry } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('onRequest', async (request) => {
    (request as FastifyRequest & { relyingParty?: RelyingPartyIdentity }).relyingParty =
      await options.authenticateRelyingParty(request);
  });
  const caller = (request: FastifyRequest) =>
    (request as FastifyRequest & { relyingParty?: RelyingPartyIdentity })
      .relyingParty as RelyingPartyIdentity;

  api.post(
    '/challenges',
    {
      schema: {
        tags: ['card'],
        summary: 'A single-use Active Authentication nonce (8 bytes, 5 minutes)',
        response: {
          201: z.object({ challengeId: z.string(), nonce: z.string(), expiresAt: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const made = await createChallenge(registry.db, caller(request).clientId, registry.clock.now());
      return reply.code(201).send({
        challengeId: made.challengeId,
        nonce: Buffer.from(made.nonce).toString('base64url'),
        expiresAt: made.expiresAt.toISOString(),
      });
    },
  );

  api.post(
    '/verifications',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['card'],
        summary: 'Verifies the files read from a chip ID card',
        description: `Files are base64. A challenge is valid for ${CHALLENGE_SECONDS} s and once.`,
        body: VerificationRequest,
      },
    },
    async (request) => {
      const body = request.body;
      const rp = caller(request);
      const now = registry.clock.now();
      const dataGroups = new Map<number, Uint8Array>();
      for (const [dg, value] of Object.entries(body.dataGroups)) dataGroups.set(Number(dg), bytesOf(value));
      let activeAuthentication: { nonce: Uint8Array; signature: Uint8Array } | undefined;
      let challengeRefused = false;
      if (body.activeAuthentication) {
        const nonce = await consumeChallenge(
          registry.db,
          body.activeAuthentication.challengeId,
          rp.clientId,
          now,
        );
        if (nonce) activeAuthentication = { nonce, signature: bytesOf(body.activeAuthentication.signature) };
        else challengeRefused = true;
      }
      const verification = verifyCard(
        { sod: bytesOf(body.sod), dataGroups },
        {
          trust: await options.trust(),
          at: body.at ? new Date(body.at) : now,
          ...(activeAuthentication ? { activeAuthentication } : {}),
        },
      );
      if (challengeRefused) {
        // Unknown, expired, already used or issued to another client: the signature proves nothing.
        verification.activeAuthentication = { status: 'failed', detail: 'aa_challenge_invalid' };
        verification.valid = false;
      }
      // The chip names a person once its data is authentic (signature and chain hold), even when
      // another check failed: that reading is an access to the person's data, so it is logged.
      const authentic = verification.signature.status === 'passed' && verification.chain.status === 'passed';
      const registryCheck = authentic
        ? await checkAgainstRegistry(registry, verification.dg1, verification.dg13, bytesOf(body.sod))
        : undefined;
      const idNumber = registryCheck?.idNumber;
      if (idNumber && registryCheck?.findings[0] !== 'person_not_found') {
        await appendAuditEntries(registry.db, [
          {
            recordedAt: now,
            actor: { kind: 'relying_party', id: rp.clientId, unit: null },
            action: 'card.verified',
            subjectKey: subjectKey(registry.audit.subjectSecret, idNumber),
            purpose: `${PURPOSE} — ${rp.name}`,
            legalBasis: LEGAL_BASIS,
            details: {
              valid: verification.valid && registryCheck.consistent,
              activeAuthentication: verification.activeAuthentication.status,
            },
          },
        ]);
      }
      return {
        valid: verification.valid && (registryCheck?.consistent ?? false),
        verification,
        registry: registryCheck ?? null,
      };
    },
  );

  api.post(
    '/qr-verifications',
    {
      schema: {
        tags: ['card'],
        summary: 'Checks the printed card QR against the registry (the QR itself is unsigned)',
        body: z.object({ qr: z.string().min(1).max(2_000) }),
      },
    },
    async (request) => {
      const rp = caller(request);
      const check = await checkCardQr(registry, request.body.qr);
      if (check.personFound) {
        await appendAuditEntries(registry.db, [
          {
            recordedAt: registry.clock.now(),
            actor: { kind: 'relying_party', id: rp.clientId, unit: null },
            action: 'card.qr_checked',
            subjectKey: subjectKey(registry.audit.subjectSecret, check.qr.idNumber),
            purpose: `${PURPOSE} — ${rp.name}`,
            legalBasis: LEGAL_BASIS,
            details: { verified: check.verified },
          },
        ]);
      }
      return check;
    },
  );
}
