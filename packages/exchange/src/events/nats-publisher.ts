import { type JetStreamClient, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { ExchangeContext } from '../context.ts';
import { type EventRow, leaseCursor, readEvents, releaseCursor } from './cursor.repository.ts';

/** The JetStream stream of change events, and its subjects: `dinhdanh.events.<type>` (e.g. `dinhdanh.events.person.died`). */
export const NATS_STREAM = 'DINHDANH_EVENTS';
export const NATS_SUBJECT_PREFIX = 'dinhdanh.events';

/** A NATS message: the event without per-agency data (field names only, as the registry's feed). */
export interface NatsChangeEvent {
  id: string;
  type: string;
  occurredAt: string;
  idNumber: string;
  fields: string[];
}

export const natsSubject = (type: string) => `${NATS_SUBJECT_PREFIX}.${type}`;

export function natsMessage(event: EventRow): NatsChangeEvent {
  return {
    id: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    idNumber: event.idNumber,
    fields: event.fields,
  };
}

/**
 * Publishes every event to JetStream in feed order, from the `nats` cursor. Each message carries
 * the event id as `Nats-Msg-Id`, so a message published twice (a crash between the ack and the
 * cursor update) is dropped by the stream's duplicate window. The cursor moves only past acked
 * messages: while NATS is unreachable nothing is skipped, and publishing resumes where it stopped.
 */
export class NatsPublisher {
  private readonly ctx: ExchangeContext;
  private readonly servers: string[];
  private readonly ackTimeoutMs: number;
  private connection: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private connecting: Promise<JetStreamClient> | undefined;

  constructor(ctx: ExchangeContext, options: { url: string; ackTimeoutMs?: number }) {
    this.ctx = ctx;
    this.servers = options.url
      .split(',')
      .map((server) => server.trim())
      .filter(Boolean);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
  }

  private client(): Promise<JetStreamClient> {
    if (this.js && this.connection && !this.connection.isClosed()) return Promise.resolve(this.js);
    this.connecting ??= (async () => {
      // The client reconnects by itself once connected; a failed first connect is retried by the caller.
      const connection = await connect({
        servers: this.servers,
        name: 'dinhdanh-exchange',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
        timeout: 5_000,
      });
      try {
        const jsm = await jetstreamManager(connection);
        try {
          await jsm.streams.info(NATS_STREAM);
        } catch {
          // Created with defaults the operator may change later (retention, replicas); an
          // existing stream is left as configured.
          await jsm.streams.add({
            name: NATS_STREAM,
            subjects: [`${NATS_SUBJECT_PREFIX}.>`],
            storage: StorageType.File,
            duplicate_window: nanos(10 * 60_000),
          });
        }
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
      this.connection = connection;
      this.js = jetstream(connection);
      return this.js;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /**
   * Publishes up to `limit` unpublished events and returns how many. Another process holding the
   * cursor's lease means 0. Throws when NATS cannot be reached or refuses (after moving the
   * cursor past what it did ack).
   */
  async publishPending(limit = 500): Promise<number> {
    const now = this.ctx.clock.now();
    const after = await leaseCursor(this.ctx.db, 'nats', now, new Date(now.getTime() + 60_000));
    if (after === undefined) return 0;
    let published = after;
    let count = 0;
    try {
      const events = await readEvents(this.ctx.db, after, limit);
      if (events.length === 0) return 0;
      const js = await this.client();
      for (const event of events) {
        await js.publish(natsSubject(event.type), JSON.stringify(natsMessage(event)), {
          msgID: event.eventId,
          timeout: this.ackTimeoutMs,
        });
        published = event.seq;
        count++;
      }
      return count;
    } finally {
      await releaseCursor(this.ctx.db, 'nats', published);
    }
  }

  async close(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    const connection = this.connection;
    this.connection = undefined;
    this.js = undefined;
    await connection?.close().catch(() => undefined);
  }
}
