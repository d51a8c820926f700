-- Bulk reads are recorded as one entry per batch (ADR 0009). A batch entry commits, in its
-- canonical text (`"v":2`, key "members"), to how many subjects it concerns and to the Merkle
-- root over their member records; its columns repeat the two for the verifier.
-- NOT VALID: existing rows hold NULLs, so there is nothing to scan; new rows are checked.
ALTER TABLE audit.entry ADD COLUMN members_count integer, ADD COLUMN members_root bytea;
ALTER TABLE audit.entry ADD CONSTRAINT entry_members_check CHECK (
  (members_count IS NULL AND members_root IS NULL)
  OR (members_count > 0 AND length(members_root) = 32 AND subject_key IS NULL)) NOT VALID;

-- The subjects of batch entries: one row per (subject, batch entry). It is the index that lets a
-- citizen's access log find the batches they are in, and the data the server builds a
-- membership proof from. Keyed by subject key first, like every person-scoped table, so it can be
-- distributed by subject key (Citus): no foreign key to audit.entry (the verifier checks every
-- row against its entry's commitment instead). `details` is the RFC 8785 text of what was done
-- to this subject (fields compared, released); `legal_basis` is set only when it differs from
-- the batch entry's (a citizen's consent).
CREATE TABLE audit.entry_member (
  subject_key bytea NOT NULL CHECK (length(subject_key) = 32),
  entry_id bigint NOT NULL,
  legal_basis text,
  details text NOT NULL,
  PRIMARY KEY (subject_key, entry_id)
);
-- A batch's members, for its membership proofs and for the verifier. Entry ids grow, so inserts
-- land at the right edge of this index.
CREATE INDEX entry_member_entry ON audit.entry_member (entry_id);

CREATE TRIGGER entry_member_append_only BEFORE UPDATE OR DELETE ON audit.entry_member
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER entry_member_no_truncate BEFORE TRUNCATE ON audit.entry_member
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit.entry_member FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'dinhdanh_app') THEN
    GRANT SELECT, INSERT ON audit.entry_member TO dinhdanh_app;
  END IF;
END
$$;
