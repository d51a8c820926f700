-- eID accounts, credentials, sessions and locks. The identity package owns this schema; other
-- packages read it only through the package's exported functions.
CREATE SCHEMA IF NOT EXISTS identity;

-- One account per person (citizen: the registry ID number), per residence card (foreigner) or
-- per tax code (organisation). `login_name` is what the holder types to log in.
CREATE TABLE identity.account (
  account_id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('citizen', 'foreigner', 'organisation')),
  login_name text NOT NULL UNIQUE,
  id_number char(12) UNIQUE,
  level smallint CHECK (level IN (1, 2)),
  display_name text NOT NULL,
  phone text,
  -- foreigner: passport, nationality; organisation: tax code, legal representative.
  details jsonb NOT NULL DEFAULT '{}',
  stay_expires_on date,
  representative_account_id uuid REFERENCES identity.account (account_id),
  card_number text,
  level2_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((kind = 'citizen') = (id_number IS NOT NULL)),
  CHECK ((kind = 'organisation') = (level IS NULL)),
  CHECK (kind <> 'organisation' OR representative_account_id IS NOT NULL)
);
CREATE INDEX account_stay ON identity.account (stay_expires_on) WHERE stay_expires_on IS NOT NULL;

-- Authenticators. `failures` counts consecutive failures of this authenticator (hard stop at 100).
CREATE TABLE identity.credential (
  credential_id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES identity.account (account_id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('password', 'totp', 'passkey')),
  -- password: argon2id PHC string; totp: base32 secret.
  secret text,
  -- passkey: credential id (base64url), COSE public key, signature counter, transports.
  external_id text UNIQUE,
  public_key bytea,
  counter bigint NOT NULL DEFAULT 0,
  backed_up boolean NOT NULL DEFAULT false,
  transports text,
  -- totp: the last accepted time step (a code is never accepted twice).
  last_step bigint,
  label text,
  confirmed boolean NOT NULL DEFAULT true,
  failures integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz
);
CREATE UNIQUE INDEX credential_one_password ON identity.credential (account_id) WHERE kind = 'password';
CREATE UNIQUE INDEX credential_one_totp ON identity.credential (account_id) WHERE kind = 'totp' AND confirmed;
CREATE INDEX credential_account ON identity.credential (account_id);

-- Level-1 self-registrations in progress; nothing of the account exists until `complete`.
CREATE TABLE identity.registration (
  registration_id uuid PRIMARY KEY,
  id_number char(12) NOT NULL,
  phone text NOT NULL,
  step text NOT NULL CHECK (step IN ('otp', 'face', 'password')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX registration_expires ON identity.registration (expires_at);

-- One-time codes: only an HMAC of the code is kept; single use, attempt-limited.
CREATE TABLE identity.otp (
  owner_id uuid PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('registration', 'login')),
  code_mac bytea NOT NULL,
  attempts smallint NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL
);
CREATE INDEX otp_expires ON identity.otp (expires_at);

-- A login whose password was right, waiting for its second factor.
CREATE TABLE identity.login (
  login_id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES identity.account (account_id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);

-- Sessions: only the SHA-256 of the token. acr 1|2; amr a bitmask of RFC 8176 values.
CREATE TABLE identity.session (
  session_id uuid PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  account_id uuid NOT NULL REFERENCES identity.account (account_id) ON DELETE CASCADE,
  acr smallint NOT NULL,
  amr smallint NOT NULL,
  auth_time timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  device varchar(64)
);
CREATE INDEX session_account ON identity.session (account_id);

-- Locks, one row per ground; lifted rows are kept as history.
CREATE TABLE identity.lock (
  lock_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES identity.account (account_id) ON DELETE CASCADE,
  ground text NOT NULL CHECK (
    ground IN ('holder', 'officer', 'breach', 'death', 'card_revoked', 'stay_expired', 'dissolved', 'court')
  ),
  reason text,
  locked_by text NOT NULL,
  locked_at timestamptz NOT NULL,
  lifted_by text,
  lifted_at timestamptz
);
CREATE UNIQUE INDEX lock_active ON identity.lock (account_id, ground) WHERE lifted_at IS NULL;

-- Failed-login counters per login name (known or not) and per client address, both hashed.
CREATE TABLE identity.throttle (
  key bytea PRIMARY KEY,
  failures integer NOT NULL,
  blocked_until timestamptz,
  updated_at timestamptz NOT NULL
);

-- WebAuthn challenges (registration and login), single use.
CREATE TABLE identity.challenge (
  challenge_id uuid PRIMARY KEY,
  account_id uuid REFERENCES identity.account (account_id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('passkey_registration', 'passkey_login')),
  challenge text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- QR logins: the desktop shows a secret, a logged-in wallet approves it. Only hashes are kept.
CREATE TABLE identity.qr_login (
  qr_login_id uuid PRIMARY KEY,
  secret_hash bytea NOT NULL,
  poll_hash bytea NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'scanned', 'approved', 'denied', 'consumed')),
  device varchar(64),
  scanned_by_session uuid,
  account_id uuid REFERENCES identity.account (account_id) ON DELETE CASCADE,
  acr smallint,
  amr smallint,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

-- How far the registry change feed has been followed.
CREATE TABLE identity.registry_cursor (
  name text PRIMARY KEY,
  last_id bigint NOT NULL
);
INSERT INTO identity.registry_cursor (name, last_id) VALUES ('locks', 0);
