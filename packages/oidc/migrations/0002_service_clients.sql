-- Service clients: agencies calling the exchange APIs with the client credentials grant. They
-- have no redirect URIs and release no person's claims; the exchange package keeps their policy.
ALTER TABLE oidc.client
  ADD COLUMN kind text NOT NULL DEFAULT 'relying_party' CHECK (kind IN ('relying_party', 'service'));
