-- How a client authenticates at the token endpoint: a signed assertion (private_key_jwt), or the
-- self-signed certificate it registered, presented over mutual TLS (RFC 8705).
ALTER TABLE oidc.client
  ADD COLUMN auth_method text NOT NULL DEFAULT 'private_key_jwt'
    CHECK (auth_method IN ('private_key_jwt', 'self_signed_tls_client_auth'));
