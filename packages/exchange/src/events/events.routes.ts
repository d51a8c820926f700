import type { Config, KeyStore } from '@dinhdanh/kernel';
import { AppError } from '@dinhdanh/kernel';
import type { Officer } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminSecurity } from '../admin/admin-guard.ts';
import type { AgencyAuthenticator, AgencyPrincipal } from '../auth/agency-principal.ts';
import type { ExchangeContext } from '../context.ts';
import { DeadLetter, Subscription, SubscriptionInput, WebhookJwks } from './events.schema.ts';
import {
  createSubscription,
  deleteSubscription,
  listDeadLetters,
  listSubscriptions,
  redeliverDeadLetter,
} from './events.service.ts';
import { webhookJwks } from './webhook-signature.ts';

export interface EventRoutesOptions {
  ctx: ExchangeContext;
  authenticateAgency: AgencyAuthenticator;
  adminGuard: (request: FastifyRequest) => Promise<Officer>;
  /** Holds the webhook signing key, whose public half is published at /webhook-keys. */
  keys: KeyStore;
  config: Pick<Config, 'mode'>;
}

const agencySecurity = [{ agencyDpop: [] }];

/**
 * Change events under /api/exchange/v1: an agency's webhook subscriptions (scope
 * `exchange.events`), the public keys that verify webhook signatures, and the administrator's
 * dead letters.
 */
export async function eventRoutes(app: FastifyInstance, options: EventRoutesOptions): Promise<void> {
  const { ctx } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const principals = new WeakMap<FastifyRequest, AgencyPrincipal>();
  // Authenticated before the body is validated, so an unauthenticated caller learns nothing from validation.
  const asAgency = async (request: FastifyRequest) => {
    principals.set(request, await options.authenticateAgency(request, 'exchange.events'));
  };
  const principal = (request: FastifyRequest): AgencyPrincipal => {
    const found = principals.get(request);
    if (!found) throw new AppError('ERR_UNAUTHENTICATED');
    return found;
  };

  api.post(
    '/subscriptions',
    {
      preValidation: asAgency,
      schema: {
        tags: ['exchange'],
        summary: 'Subscribes a webhook receiver to change events',
        description:
          "Event types must be among those granted to the agency (ERR_EXCHANGE_EVENT_TYPE). The URL must be https (http only to a loopback receiver outside production). Each event is POSTed as JSON {id, type, occurredAt, idNumber, data} with only the fields the agency's purpose allows, signed per RFC 9421 (Signature-Input/Signature over @method, @target-uri, content-digest, content-type, idempotency-key; alg ed25519; keys at /webhook-keys). Delivery is at least once: deduplicate on Idempotency-Key (= id). A person's events arrive in order. Answer 2xx to acknowledge; 400/413/415/422 refuse the event for good (dead letter); anything else, or no answer within the timeout, is retried with back-off for up to 72 hours.",
        security: agencySecurity,
        body: SubscriptionInput,
        response: { 201: Subscription },
      },
    },
    async (request, reply) => {
      const subscription = await createSubscription(
        ctx,
        principal(request).agency,
        request.body,
        options.config.mode,
      );
      return reply.code(201).send(subscription);
    },
  );

  api.get(
    '/subscriptions',
    {
      preValidation: asAgency,
      schema: {
        tags: ['exchange'],
        summary: "The agency's active subscriptions, with pending deliveries and receiver health",
        security: agencySecurity,
        response: { 200: z.object({ items: z.array(Subscription) }) },
      },
    },
    async (request) => ({ items: await listSubscriptions(ctx, principal(request).agency.agencyId) }),
  );

  api.delete(
    '/subscriptions/:subscriptionId',
    {
      preValidation: asAgency,
      schema: {
        tags: ['exchange'],
        summary: 'Ends a subscription; events not yet delivered to it are dropped',
        security: agencySecurity,
        params: z.object({ subscriptionId: z.string().min(1).max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteSubscription(ctx, principal(request).agency.agencyId, request.params.subscriptionId);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/webhook-keys',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Public keys (JWKS) that verify webhook signatures; keyid = the JWK thumbprint (RFC 7638)',
        response: { 200: WebhookJwks },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return webhookJwks(options.keys);
    },
  );

  api.get(
    '/admin/dead-letters',
    {
      preValidation: async (request) => {
        await options.adminGuard(request);
      },
      schema: {
        tags: ['exchange admin'],
        summary: 'Deliveries given up on, newest first (no personal data)',
        security: adminSecurity,
        querystring: z.object({
          agencyId: z.string().min(1).max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          /** Paging: the `deadAt` of the last item already shown. */
          before: z.iso.datetime().optional(),
        }),
        response: { 200: z.object({ items: z.array(DeadLetter) }) },
      },
    },
    async (request) => ({
      items: await listDeadLetters(ctx, {
        agencyId: request.query.agencyId,
        limit: request.query.limit,
        before: request.query.before,
      }),
    }),
  );

  api.post(
    '/admin/dead-letters/:deliveryId/redeliver',
    {
      preValidation: async (request) => {
        await options.adminGuard(request);
      },
      schema: {
        tags: ['exchange admin'],
        summary: 'Queues a dead letter again, with a fresh retry window',
        description:
          'The event keeps its id (Idempotency-Key). It may now arrive after later events of the same person, which the receiver orders by occurredAt.',
        security: adminSecurity,
        params: z.object({ deliveryId: z.string().min(1).max(100) }),
        response: { 202: z.object({ deliveryId: z.string(), status: z.literal('pending') }) },
      },
    },
    async (request, reply) => {
      await redeliverDeadLetter(ctx, request.params.deliveryId);
      return reply.code(202).send({ deliveryId: request.params.deliveryId, status: 'pending' as const });
    },
  );
}
