-- TOTP secrets sealed at rest; what a QR login says about its requester; guardian links.

-- TOTP secrets are now `v<key version>.<iv>.<ciphertext+tag>` (AES-256-GCM, base64url; see
-- credential/secret-box.ts). Rows written before this migration held the base32 secret in clear;
-- none exist in production, and an enrolment cannot be re-sealed without the key, so they are
-- removed (the holder enrols the app again) rather than kept in clear.
DELETE FROM identity.credential WHERE kind = 'totp' AND secret !~ '^v[0-9]+\.';
ALTER TABLE identity.credential
  ADD CONSTRAINT credential_totp_sealed CHECK (kind <> 'totp' OR secret ~ '^v[0-9]+\.');

-- Informational only, shown to the approving wallet: the relying party's name and purpose when
-- the QR was shown on an OpenID login page. Never used for authorisation.
ALTER TABLE identity.qr_login
  ADD COLUMN client_name varchar(100),
  ADD COLUMN purpose varchar(200);

-- A child's or ward's account created from a guardian's wallet (Decree 69): who created it and
-- why. The registry's parent/guardian relation stays the source of truth for who may act.
CREATE TABLE identity.guardian (
  account_id uuid NOT NULL REFERENCES identity.account (account_id) ON DELETE CASCADE,
  guardian_account_id uuid NOT NULL REFERENCES identity.account (account_id) ON DELETE CASCADE,
  relation text NOT NULL CHECK (relation IN ('child', 'ward')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, guardian_account_id)
);
CREATE INDEX guardian_by_guardian ON identity.guardian (guardian_account_id);
