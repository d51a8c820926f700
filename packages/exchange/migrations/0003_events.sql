-- Change events to agencies: webhook subscriptions, the events read from the registry's change
-- feed, and the outbox of signed deliveries (one per subscription and event).

CREATE TABLE exchange.subscription (
  subscription_id text PRIMARY KEY,
  agency_id text NOT NULL REFERENCES exchange.agency (agency_id),
  url text NOT NULL,
  event_types text[] NOT NULL,
  created_at timestamptz NOT NULL,
  deleted_at timestamptz,
  -- Receiver-level back-off: after a failure that says "the receiver is down" (network error,
  -- timeout, 5xx …) nothing is sent to this subscription before retry_at, so a receiver that is
  -- down for hours costs one probe per back-off step, not one per pending event.
  failures integer NOT NULL DEFAULT 0,
  retry_at timestamptz
);
CREATE INDEX subscription_agency ON exchange.subscription (agency_id) WHERE deleted_at IS NULL;

-- Where each follower stands in a feed: 'outbox' in the registry change feed, 'nats' in
-- exchange.event (the last seq published to JetStream). The NATS publisher leases its cursor
-- (leased_until) instead of holding a transaction open while it waits for JetStream's acks.
CREATE TABLE exchange.event_cursor (
  name text PRIMARY KEY,
  last_seq bigint NOT NULL,
  leased_until timestamptz
);
INSERT INTO exchange.event_cursor (name, last_seq) VALUES ('outbox', 0), ('nats', 0);

-- One row per registry change of a type agencies may see. `seq` is the change id (the feed's
-- order), `event_id` the stable id every delivery and the NATS message carry (idempotency key).
-- Person-scoped: the ID number is the distribution key.
CREATE TABLE exchange.event (
  seq bigint PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  id_number char(12) NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- Names of the fields that changed (never values), as in the registry's feed.
  fields text[] NOT NULL DEFAULT '{}'
);

-- The outbox: what is to be sent to whom. The body is the exact JSON posted (only the fields the
-- agency's purpose allows); it is cleared once delivered, so the outbox keeps no personal data
-- longer than needed. A person's deliveries to one subscription go out strictly in seq order:
-- only the oldest pending one is eligible (see the claim in events.repository.ts).
CREATE TABLE exchange.delivery (
  delivery_id uuid PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES exchange.subscription (subscription_id),
  agency_id text NOT NULL,
  seq bigint NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  id_number char(12) NOT NULL,
  body text,
  -- pending → delivered | dead (→ pending again on redelivery). Deleting a subscription deletes
  -- its pending deliveries (never sent).
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- Set while one process is sending it; a crash leaves it to expire, then another retries.
  leased_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  -- When the current series of attempts began (creation, or the last redelivery): a delivery
  -- becomes a dead letter only when it has failed for longer than the configured age since then.
  attempts_since timestamptz NOT NULL,
  delivered_at timestamptz,
  dead_at timestamptz,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX delivery_due ON exchange.delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX delivery_chain ON exchange.delivery (subscription_id, id_number, seq) WHERE status = 'pending';
CREATE INDEX delivery_dead ON exchange.delivery (dead_at DESC) WHERE status = 'dead';
CREATE INDEX delivery_done ON exchange.delivery (delivered_at) WHERE status = 'delivered';
