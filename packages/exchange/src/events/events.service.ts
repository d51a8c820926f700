import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { AppError, type Config } from '@dinhdanh/kernel';
import type { Agency } from '../agency/agency.schema.ts';
import type { ExchangeContext } from '../context.ts';
import { listDeadLetterRows, requeueDeadLetter } from './dead-letter.repository.ts';
import { type DeadLetter, type Subscription, SubscriptionInput } from './events.schema.ts';
import {
  countPendingBySubscription,
  deleteSubscriptionRow,
  insertSubscription,
  listSubscriptionRows,
} from './subscription.repository.ts';

/** Active subscriptions per agency: a few receivers (production, disaster recovery …), not one per event type. */
export const MAX_SUBSCRIPTIONS = 10;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

// Addresses an agency's receiver never has on the public side: loopback, private, link-local,
// unique-local. Refused as literals in production so a subscription cannot aim the platform's
// own network (SSRF). Host names are not resolved here; network policy covers those.
function internalAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const kind = isIP(bare);
  if (kind === 4) {
    const [a = 0, b = 0] = bare.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (kind === 6)
    return (
      bare === '::1' ||
      bare === '::' ||
      /^f[cd]/.test(bare) ||
      /^fe[89ab]/.test(bare) ||
      bare.startsWith('::ffff:')
    );
  return bare === 'localhost' || bare.endsWith('.localhost');
}

/**
 * A receiver URL an agency may subscribe: https (http only to loopback outside production, for
 * development), no credentials in it, no fragment. Returned normalised, as signed in
 * `@target-uri`.
 */
export function checkReceiverUrl(value: string, mode: Config['mode']): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('ERR_EXCHANGE_SUBSCRIPTION_INVALID', 'url: not an absolute URL');
  }
  if (url.username || url.password)
    throw new AppError('ERR_EXCHANGE_SUBSCRIPTION_INVALID', 'url: credentials do not belong in the URL');
  if (url.hash) throw new AppError('ERR_EXCHANGE_SUBSCRIPTION_INVALID', 'url: no fragment');
  if (url.protocol === 'http:') {
    if (mode === 'production' || !loopbackHosts.has(url.hostname))
      throw new AppError(
        'ERR_EXCHANGE_SUBSCRIPTION_INVALID',
        'url: https is required (http only to a loopback receiver outside production)',
      );
  } else if (url.protocol !== 'https:')
    throw new AppError('ERR_EXCHANGE_SUBSCRIPTION_INVALID', 'url: https is required');
  else if (mode === 'production' && internalAddress(url.hostname))
    throw new AppError('ERR_EXCHANGE_SUBSCRIPTION_INVALID', 'url: an internal address cannot receive events');
  return url.href;
}

function present(
  row: Awaited<ReturnType<typeof listSubscriptionRows>>[number],
  pending: number,
): Subscription {
  return {
    subscriptionId: row.subscriptionId,
    url: row.url,
    eventTypes: row.eventTypes,
    createdAt: row.createdAt,
    pending,
    failures: row.failures,
    retryAt: row.retryAt,
  };
}

/**
 * Subscribes an agency's receiver to event types it was granted (ERR_EXCHANGE_EVENT_TYPE for
 * others). It receives the changes the follower reads from then on; nothing from before.
 */
export async function createSubscription(
  ctx: Pick<ExchangeContext, 'db' | 'clock'>,
  agency: Agency,
  input: unknown,
  mode: Config['mode'],
): Promise<Subscription> {
  const parsed = SubscriptionInput.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      'ERR_EXCHANGE_SUBSCRIPTION_INVALID',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  const url = checkReceiverUrl(parsed.data.url, mode);
  const eventTypes = [...new Set(parsed.data.eventTypes)];
  const refused = eventTypes.filter((type) => !agency.eventTypes.includes(type));
  if (refused.length > 0)
    throw new AppError('ERR_EXCHANGE_EVENT_TYPE', `not granted to this agency: ${refused.join(', ')}`);
  return ctx.db.transaction().execute(async (trx) => {
    // Serialises an agency's concurrent subscribes, so the cap holds.
    await trx
      .selectFrom('exchange.agency')
      .select('agency_id')
      .where('agency_id', '=', agency.agencyId)
      .forUpdate()
      .execute();
    if ((await listSubscriptionRows(trx, agency.agencyId)).length >= MAX_SUBSCRIPTIONS)
      throw new AppError(
        'ERR_EXCHANGE_SUBSCRIPTION_INVALID',
        `at most ${MAX_SUBSCRIPTIONS} subscriptions per agency; delete one first`,
      );
    const row = {
      subscriptionId: `sub-${randomBytes(12).toString('base64url')}`,
      agencyId: agency.agencyId,
      url,
      eventTypes,
      createdAt: ctx.clock.now().toISOString(),
    };
    await insertSubscription(trx, row);
    return present({ ...row, failures: 0, retryAt: null }, 0);
  });
}

export async function listSubscriptions(
  ctx: Pick<ExchangeContext, 'db'>,
  agencyId: string,
): Promise<Subscription[]> {
  const rows = await listSubscriptionRows(ctx.db, agencyId);
  const pending = await countPendingBySubscription(
    ctx.db,
    rows.map((row) => row.subscriptionId),
  );
  return rows.map((row) => present(row, pending.get(row.subscriptionId) ?? 0));
}

/** Ends a subscription; its undelivered events are dropped. ERR_NOT_FOUND for another agency's. */
export async function deleteSubscription(
  ctx: Pick<ExchangeContext, 'db' | 'clock'>,
  agencyId: string,
  subscriptionId: string,
): Promise<void> {
  const deleted = await ctx.db
    .transaction()
    .execute((trx) => deleteSubscriptionRow(trx, agencyId, subscriptionId, ctx.clock.now()));
  if (!deleted) throw new AppError('ERR_NOT_FOUND', 'no active subscription with this id');
}

export function listDeadLetters(
  ctx: Pick<ExchangeContext, 'db'>,
  options: { agencyId?: string | undefined; limit?: number | undefined; before?: string | undefined } = {},
): Promise<DeadLetter[]> {
  return listDeadLetterRows(ctx.db, { ...options, limit: options.limit ?? 100 });
}

/** Sends a dead letter again (the administrator fixed the cause), with a fresh attempt window. */
export async function redeliverDeadLetter(
  ctx: Pick<ExchangeContext, 'db' | 'clock'>,
  deliveryId: string,
): Promise<void> {
  if (!uuid.test(deliveryId)) throw new AppError('ERR_NOT_FOUND', 'no delivery with this id');
  const outcome = await requeueDeadLetter(ctx.db, deliveryId, ctx.clock.now());
  if (outcome === 'not_found') throw new AppError('ERR_NOT_FOUND', 'no delivery with this id');
  if (outcome === 'not_dead') throw new AppError('ERR_CONFLICT', 'the delivery is not a dead letter');
  if (outcome === 'subscription_deleted')
    throw new AppError('ERR_CONFLICT', 'the subscription of this delivery was deleted');
}
