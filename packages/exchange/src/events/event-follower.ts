import { randomUUID } from 'node:crypto';
import { type AuditEntryInput, appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import {
  applyChanges,
  getPersonHistory,
  type Person,
  type PersonState,
  presentPerson,
  type RegistryContext,
  readRegistryChanges,
} from '@dinhdanh/registry';
import { listAgencyRows } from '../agency/agency.repository.ts';
import { type Agency, ExchangeEventType } from '../agency/agency.schema.ts';
import type { ExchangeContext } from '../context.ts';
import { type EventRow, insertEvents, lockCursor, setCursor } from './cursor.repository.ts';
import { insertDeliveries, type NewDelivery } from './delivery.repository.ts';
import { disclosureFor, eventFields, eventPayload } from './event-data.ts';
import { listSubscriptionRows } from './subscription.repository.ts';

type History = Awaited<ReturnType<typeof getPersonHistory>>;

/**
 * The person as the change left them: their events folded up to the change's recording time (a
 * change and its registry event are written in one transaction, so they share it). Reading the
 * current record instead would give a birth followed by a death in the same batch `alive: false`.
 * Times compare to the millisecond: a second transaction on the same person within the same
 * millisecond would be folded in too (the feed carries no event version to cut at).
 */
function personAt(registry: RegistryContext, history: History, at: Date): Person | undefined {
  let state: PersonState | undefined;
  let version = 0;
  for (const event of history) {
    if (new Date(event.recordedAt).getTime() > at.getTime()) break;
    state = applyChanges(state, event.changes as Partial<PersonState>);
    version = event.version;
  }
  return state ? presentPerson(state, version, registry.units) : undefined;
}

async function historyOf(registry: RegistryContext, idNumber: string): Promise<History> {
  try {
    return await getPersonHistory(registry, idNumber);
  } catch (error) {
    if (error instanceof AppError && error.code === 'ERR_PERSON_NOT_FOUND') return [];
    throw error;
  }
}

/** The audit action of an event put in an agency's outbox: it shows in the person's access log. */
export const EVENT_DISCLOSED_ACTION = 'exchange.event.disclosed';

/**
 * Reads the registry change feed from the outbox cursor and, in one transaction with moving the
 * cursor: records each change as an event (stable id), queues a delivery to every active
 * subscription whose agency may see its type (body = the fields the agency's purpose allows,
 * from the person's record as that change left it), and appends one audit entry per agency and
 * event under the person's subject key. So each change enters the outbox exactly once, and a disclosure is
 * never queued without its audit entry. The cursor row is locked with SKIP LOCKED: when another
 * process is following, this call returns 0 at once. Returns how many changes were read.
 */
export async function followRegistryChanges(
  ctx: ExchangeContext,
  options: {
    limit?: number;
    /**
     * Record every change as an event (for NATS), not only those some subscription receives.
     * The workers turn it off without NATS, so an unwatched registry fills no table.
     */
    recordAll?: boolean;
  } = {},
): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const after = await lockCursor(trx, 'outbox');
    if (after === undefined) return 0;
    const changes = await readRegistryChanges(trx, { after, limit: options.limit ?? 500 });
    if (changes.length === 0) return 0;
    const now = ctx.clock.now();
    const agencies = new Map<string, Agency>(
      (await listAgencyRows(trx))
        .filter((agency) => !agency.disabled)
        .map((agency) => [agency.agencyId, agency]),
    );
    const subscriptions = (await listSubscriptionRows(trx)).filter((sub) => agencies.has(sub.agencyId));
    const registry = { ...ctx.registry, db: trx };
    const histories = new Map<string, History>();

    const events: EventRow[] = [];
    const deliveries: NewDelivery[] = [];
    const audit: AuditEntryInput[] = [];
    for (const change of changes) {
      const type = ExchangeEventType.safeParse(change.type);
      if (!type.success) continue;
      const event: EventRow = {
        seq: change.id,
        eventId: randomUUID(),
        type: type.data,
        idNumber: change.idNumber,
        occurredAt: change.recordedAt,
        fields: change.fields,
      };
      const receivers = subscriptions.filter(
        (sub) =>
          sub.eventTypes.includes(event.type) && agencies.get(sub.agencyId)?.eventTypes.includes(event.type),
      );
      if (receivers.length > 0 || (options.recordAll ?? true)) events.push(event);
      if (receivers.length === 0) continue;
      if (!histories.has(event.idNumber))
        histories.set(event.idNumber, await historyOf(registry, event.idNumber));
      const person = personAt(registry, histories.get(event.idNumber) ?? [], event.occurredAt);
      const fields = eventFields(event.type, event.fields);
      for (const agencyId of new Set(receivers.map((sub) => sub.agencyId))) {
        const agency = agencies.get(agencyId)!;
        const disclosure = disclosureFor(agency, fields);
        const body = JSON.stringify(eventPayload(event, person, disclosure));
        for (const sub of receivers.filter((candidate) => candidate.agencyId === agencyId))
          deliveries.push({
            deliveryId: randomUUID(),
            subscriptionId: sub.subscriptionId,
            agencyId,
            seq: event.seq,
            eventId: event.eventId,
            eventType: event.type,
            idNumber: event.idNumber,
            body,
            createdAt: now,
          });
        audit.push({
          recordedAt: now,
          actor: { kind: 'agency', id: agency.agencyId, unit: null },
          action: EVENT_DISCLOSED_ACTION,
          subjectKey: subjectKey(ctx.subjectSecret, event.idNumber),
          purpose: disclosure.purposeText,
          legalBasis: disclosure.legalBasis,
          // Field names only, never values; the agency's name so the access log reads without a lookup.
          details: {
            agencyName: agency.name,
            eventId: event.eventId,
            eventType: event.type,
            fields: disclosure.fields,
          },
        });
      }
    }
    await insertEvents(trx, events);
    await insertDeliveries(trx, deliveries);
    if (audit.length > 0) await appendAuditEntries(trx, audit);
    await setCursor(trx, 'outbox', changes[changes.length - 1]!.id);
    return changes.length;
  });
}
