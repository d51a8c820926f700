-- The OpenID provider. The oidc package owns this schema; relying parties, the provider's own
-- state (grants, sessions, codes, tokens) and the citizens' consents.
CREATE SCHEMA IF NOT EXISTS oidc;

-- Relying parties registered by an administrator. `jwks` holds public keys only (the
-- registration refuses private members); the provider authenticates clients with them.
CREATE TABLE oidc.client (
  client_id text PRIMARY KEY,
  name text NOT NULL,
  redirect_uris text[] NOT NULL,
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  backchannel_logout_uri text,
  jwks jsonb NOT NULL,
  scopes text[] NOT NULL,
  claims text[] NOT NULL,
  min_level smallint NOT NULL DEFAULT 1 CHECK (min_level IN (1, 2)),
  sector_identifier text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled boolean NOT NULL DEFAULT false
);

-- Every oidc-provider model in one table (the adapter): name + id, the payload as the provider
-- gives it, and the columns its secondary lookups need.
CREATE TABLE oidc.model (
  kind text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  -- The citizen's identity session a provider Session was established with, so that ending it
  -- (logout, lock, password change) ends the provider sessions too.
  identity_session_id text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (kind, id)
);
CREATE INDEX model_grant_id ON oidc.model (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX model_uid ON oidc.model (uid) WHERE uid IS NOT NULL;
CREATE INDEX model_user_code ON oidc.model (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX model_identity_session ON oidc.model (identity_session_id) WHERE identity_session_id IS NOT NULL;
CREATE INDEX model_expires_at ON oidc.model (expires_at) WHERE expires_at IS NOT NULL;

-- What each account granted each relying party: the provable record of consent (Law 91/2025).
-- A withdrawal sets revoked_at; a new consent is a new row.
CREATE TABLE oidc.consent (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id text NOT NULL,
  client_id text NOT NULL,
  scopes text[] NOT NULL,
  claims text[] NOT NULL,
  grant_id text,
  granted_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX consent_account ON oidc.consent (account_id, client_id) WHERE revoked_at IS NULL;
