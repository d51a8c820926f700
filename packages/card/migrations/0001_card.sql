-- Chip-card verification state. The card package owns this schema; the cards themselves are part
-- of the person's registry record.
CREATE SCHEMA IF NOT EXISTS card;

-- Active Authentication nonces issued to relying parties: single use, short-lived, bound to the
-- client that asked, so a chip's signature cannot be replayed or used by another verifier.
CREATE TABLE card.challenge (
  challenge_id uuid PRIMARY KEY,
  client_id text NOT NULL,
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 8),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX challenge_expires ON card.challenge (expires_at);
