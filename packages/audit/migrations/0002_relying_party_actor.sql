-- Relying parties (OpenID provider clients) receive people's data at login: their releases are
-- audit entries with actor kind 'relying_party' (ADR 0005).
ALTER TABLE audit.entry DROP CONSTRAINT entry_actor_kind_check;
ALTER TABLE audit.entry ADD CONSTRAINT entry_actor_kind_check
  CHECK (actor_kind IN ('officer', 'citizen', 'agency', 'system', 'relying_party'));
