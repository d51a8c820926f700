import { z } from 'zod';
import { ExchangeEventType } from '../agency/agency.schema.ts';

/** What an agency sends to subscribe: where to post, and which of its event types. */
export const SubscriptionInput = z.strictObject({
  url: z.string().min(1).max(2000),
  eventTypes: z.array(ExchangeEventType).min(1).max(ExchangeEventType.options.length),
});
export type SubscriptionInput = z.infer<typeof SubscriptionInput>;

export const Subscription = z.object({
  subscriptionId: z.string(),
  url: z.string(),
  eventTypes: z.array(ExchangeEventType),
  createdAt: z.string(),
  /** Deliveries waiting (including ones in back-off). */
  pending: z.number().int(),
  /** Consecutive failed attempts: the receiver looks down or slow while this grows. */
  failures: z.number().int(),
  /** Nothing is sent before this time (receiver-level back-off), or null. */
  retryAt: z.string().nullable(),
});
export type Subscription = z.infer<typeof Subscription>;

/** The body of a webhook (and of the NATS message, with `fields` instead of `data`). */
export const ChangeEvent = z.object({
  /** Stable across retries and redeliveries; also the `Idempotency-Key` header. */
  id: z.string().uuid(),
  type: ExchangeEventType,
  occurredAt: z.string(),
  idNumber: z.string(),
  /** Only the fields the agency's purpose allows; `{}` when it has no purpose with a legal basis. */
  data: z.record(z.string(), z.unknown()),
});

/** A delivery given up on, as the administrator sees it: no personal data (no ID number, no body). */
export const DeadLetter = z.object({
  deliveryId: z.string(),
  agencyId: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: ExchangeEventType,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  deadAt: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** The Ed25519 public keys that verify webhook signatures (every version, newest first). */
export const WebhookJwks = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
      kid: z.string(),
      use: z.literal('sig'),
    }),
  ),
});
