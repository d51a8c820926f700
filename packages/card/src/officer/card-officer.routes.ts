import type { Config } from '@dinhdanh/kernel';
import { AppError } from '@dinhdanh/kernel';
import {
  CardRevocationInput,
  IdCard,
  type Officer,
  type RegistryContext,
  revokeCard,
  verifyOfficerToken,
} from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cardAlgorithms } from '../pki/algorithms.ts';
import { CardPkiStore } from '../pki/pki-store.ts';
import type { TrustStore } from '../trust/trust-store.ts';
import { issueCardAtCounter, verifyCardAsOfficer } from './card-officer.service.ts';

export interface CardOfficerRoutesOptions {
  registry: RegistryContext;
  officerTokenKey: Uint8Array;
  config: Pick<Config, 'keysDir' | 'mode'>;
  /** The trust store for verifications; built afresh per request by default (officer volumes are small). */
  trust: () => Promise<TrustStore>;
}

const IdNumber = z.string().regex(/^\d{12}$/);
const Base64 = z
  .string()
  .max(2_000_000)
  .regex(/^[A-Za-z0-9+/=\s]*$/, 'base64');
const bytesOf = (value: string) => new Uint8Array(Buffer.from(value.replace(/\s/g, ''), 'base64'));
const security = [{ officerToken: [] }];

const ChipSummary = z.object({
  efCom: z
    .object({ ldsVersion: z.string(), unicodeVersion: z.string(), dataGroups: z.array(z.number()) })
    .nullable(),
  dg1: z
    .object({
      lines: z.array(z.string()),
      documentNumber: z.string(),
      dateOfExpiry: z.string(),
      checkDigitsValid: z.boolean(),
    })
    .nullable(),
  dg13: z.record(z.string(), z.string().optional()).nullable(),
  dg15: z.object({ keyType: z.enum(['rsa', 'ec']), curve: z.string().nullable() }).nullable(),
  sod: z.object({
    hashAlgorithm: z.string(),
    ldsVersion: z.number(),
    dataGroupHashes: z.array(z.object({ dg: z.number(), hash: z.string() })),
    documentSigner: z
      .object({ subject: z.string(), issuer: z.string(), serialHex: z.string(), notAfter: z.string() })
      .nullable(),
    signingTime: z.string().nullable(),
  }),
});

/**
 * The officer's card actions under /api/card/v1/officer: issue a card at the counter (chip
 * contents shown and downloadable), revoke it, and verify a card from the files a reader dumped.
 * Officer bearer tokens as in the registry API; writes are limited to the officer's unit.
 */
export async function cardOfficerRoutes(
  app: FastifyInstance,
  options: CardOfficerRoutesOptions,
): Promise<void> {
  const { registry, config } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pki = new CardPkiStore(config.keysDir, { allowCreate: config.mode !== 'production' });
  api.addHook('onRequest', async (request) => {
    const token = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/)?.[1];
    if (!token) throw new AppError('ERR_UNAUTHENTICATED', 'an officer bearer token is required');
    (request as FastifyRequest & { officer?: Officer }).officer = await verifyOfficerToken(
      options.officerTokenKey,
      registry.units,
      token,
      registry.clock.now(),
    );
  });
  const officer = (request: FastifyRequest) => (request as FastifyRequest & { officer?: Officer }).officer!;

  api.post(
    '/cards',
    {
      schema: {
        tags: ['card'],
        summary: 'Issue a chip ID card (officer of the person’s unit)',
        description:
          'Signs the chip with the current Document Signer. Outside production a missing ECDSA P-256 CSCA is created; in production ERR_CARD_PKI_NOT_INITIALISED.',
        security,
        body: z.object({
          idNumber: IdNumber,
          onRequest: z.boolean().optional(),
          algorithm: z.enum(cardAlgorithms).optional(),
        }),
        response: {
          201: z.object({
            card: IdCard,
            chip: ChipSummary,
            qr: z.string(),
            /** File name → base64 (EF_*.bin, qr.txt, ds.pem, csca.pem). */
            files: z.record(z.string(), z.string()),
          }),
        },
      },
    },
    async (request, reply) => {
      const { issued, summary, files } = await issueCardAtCounter(
        registry,
        pki,
        officer(request),
        request.body,
        {
          production: config.mode === 'production',
        },
      );
      return reply.code(201).send({ card: issued.card, chip: summary, qr: issued.qr, files });
    },
  );

  api.post(
    '/cards/revocations',
    {
      schema: {
        tags: ['card'],
        summary: 'Revoke the person’s active card (lost, damaged, data changed…)',
        security,
        body: CardRevocationInput.extend({ idNumber: IdNumber }),
        response: { 200: z.object({ card: IdCard }) },
      },
    },
    async (request) => {
      const { card } = await revokeCard(registry, officer(request), request.body);
      return { card };
    },
  );

  api.post(
    '/cards/verifications',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['card'],
        summary: 'Verify a card from the files its chip gave (officer), with the registry cross-check',
        security,
        body: z.object({
          sod: Base64,
          dataGroups: z.record(z.string().regex(/^(1[0-6]|[1-9])$/), Base64).default({}),
        }),
      },
    },
    async (request) => {
      const dataGroups = new Map<number, Uint8Array>();
      for (const [dg, value] of Object.entries(request.body.dataGroups))
        dataGroups.set(Number(dg), bytesOf(value));
      return verifyCardAsOfficer(registry, await options.trust(), officer(request), {
        sod: bytesOf(request.body.sod),
        dataGroups,
      });
    },
  );
}
