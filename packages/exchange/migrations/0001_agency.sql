-- Agencies (tax, social insurance, health, transport …) that use the population database.
-- An agency is also an OAuth client of the provider (oidc.client, kind 'service') with the same
-- id; this table holds what only the exchange knows: purposes, field policy, quotas.
CREATE SCHEMA IF NOT EXISTS exchange;

CREATE TABLE exchange.agency (
  agency_id text PRIMARY KEY,
  name text NOT NULL,
  -- exchange.verify, exchange.lookup, exchange.match, exchange.enrich, exchange.events
  scopes text[] NOT NULL,
  -- [{ "code", "legalBasis" (null: citizen's consent needed), "fields": [...], "description" }]
  purposes jsonb NOT NULL,
  -- change-event types it may subscribe to
  event_types text[] NOT NULL DEFAULT '{}',
  -- document kinds it may push (enrichment)
  document_kinds text[] NOT NULL DEFAULT '{}',
  rate_per_second integer NOT NULL CHECK (rate_per_second > 0),
  quota_per_day bigint NOT NULL CHECK (quota_per_day > 0),
  created_at timestamptz NOT NULL,
  disabled_at timestamptz
);

-- Calls per agency, day and operation (records, not requests: a batch of 1,000 counts 1,000).
-- Each process adds its counts every few seconds; the quota is checked against the sum.
CREATE TABLE exchange.usage (
  agency_id text NOT NULL REFERENCES exchange.agency (agency_id),
  day date NOT NULL,
  operation text NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (agency_id, day, operation)
);

-- A citizen's consent that an agency may look up their data for a purpose that has no legal
-- basis of its own (Decree 356/2025: specific, withdrawable, provable). Person-scoped: the ID
-- number is the distribution key.
CREATE TABLE exchange.consent (
  consent_id text PRIMARY KEY,
  id_number char(12) NOT NULL,
  agency_id text NOT NULL REFERENCES exchange.agency (agency_id),
  purpose text NOT NULL,
  granted_at timestamptz NOT NULL,
  expires_at timestamptz,
  withdrawn_at timestamptz
);
CREATE INDEX consent_active ON exchange.consent (id_number, agency_id, purpose) WHERE withdrawn_at IS NULL;
