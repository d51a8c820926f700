-- The tamper-evident audit log. The audit package owns this schema; other packages write to it
-- and read it only through the package's exported functions.
CREATE SCHEMA IF NOT EXISTS audit;

-- One row per audited act, written by the caller inside its own transaction, so a change and
-- its entry commit together. `canonical` is the RFC 8785 JSON of the whole entry: its UTF-8
-- bytes are exactly what the Merkle leaf hashes. The other columns repeat it for queries; the
-- verifier re-canonicalises them to catch an edit of a column alone.
CREATE TABLE audit.entry (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recorded_at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('officer', 'citizen', 'agency', 'system')),
  actor_id text NOT NULL,
  actor_unit text,
  action text NOT NULL,
  -- HMAC-SHA-256 of the subject's ID number: pseudonymous, never the raw number. Stored as
  -- 32 bytes (hex in the API and the canonical text) so the index compares bytes, not text.
  subject_key bytea CHECK (length(subject_key) = 32),
  purpose text,
  legal_basis text,
  details jsonb NOT NULL,
  canonical text NOT NULL
);
-- The citizen's access log: newest first per subject.
CREATE INDEX entry_subject ON audit.entry (subject_key, id) WHERE subject_key IS NOT NULL;

-- Entries not yet given a leaf. Written with the entry (same statement), consumed by the
-- sequencer, so finding work never scans the log and a transaction that commits late with a
-- low id is still picked up.
CREATE TABLE audit.pending (
  entry_id bigint PRIMARY KEY
);

-- The Merkle tree's leaves, in the order the sequencer assigned them (contiguous from 0).
-- Hashes ride in the primary-key indexes (INCLUDE) so that proofs are index-only scans.
CREATE TABLE audit.leaf (
  leaf_index bigint NOT NULL CHECK (leaf_index >= 0),
  entry_id bigint NOT NULL UNIQUE REFERENCES audit.entry (id),
  leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
  PRIMARY KEY (leaf_index) INCLUDE (leaf_hash)
);

-- Hashes of complete (perfect) subtrees above the leaves: node (level, index) covers leaves
-- [index * 2^level, (index + 1) * 2^level). Any root or proof needs O(log n) of them.
CREATE TABLE audit.tree_node (
  level integer NOT NULL CHECK (level >= 1 AND level < 64),
  index bigint NOT NULL CHECK (index >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, index) INCLUDE (hash)
);

-- Signed tree heads: the C2SP signed note (c2sp.org/tlog-checkpoint) as issued.
CREATE TABLE audit.checkpoint (
  tree_size bigint PRIMARY KEY CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  created_at timestamptz NOT NULL,
  key_id text NOT NULL,
  note text NOT NULL
);

-- History is never rewritten. The trigger holds even for the table owner; only a superuser
-- who disables triggers gets past it, and then the verifier notices.
CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.%: % is not allowed on the append-only audit log', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON audit.entry
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER leaf_append_only BEFORE UPDATE OR DELETE ON audit.leaf
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER tree_node_append_only BEFORE UPDATE OR DELETE ON audit.tree_node
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER checkpoint_append_only BEFORE UPDATE OR DELETE ON audit.checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER entry_no_truncate BEFORE TRUNCATE ON audit.entry
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER leaf_no_truncate BEFORE TRUNCATE ON audit.leaf
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER tree_node_no_truncate BEFORE TRUNCATE ON audit.tree_node
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER checkpoint_no_truncate BEFORE TRUNCATE ON audit.checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- Privileges. Nobody but the owner holds more than the defaults, and the defaults never
-- included these; the REVOKE states the intent. The application should connect as a role that
-- is a member of dinhdanh_app (not as the owner): it may append and sequence, never rewrite.
-- Roles are per cluster, so the role is created once and reused by every database in it.
REVOKE UPDATE, DELETE, TRUNCATE ON audit.entry, audit.leaf, audit.tree_node, audit.checkpoint FROM PUBLIC;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dinhdanh_app') THEN
    BEGIN
      CREATE ROLE dinhdanh_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'role dinhdanh_app not created: the migrating role may not create roles';
        RETURN;
    END;
  END IF;
  GRANT USAGE ON SCHEMA audit TO dinhdanh_app;
  GRANT SELECT, INSERT ON audit.entry, audit.leaf, audit.tree_node, audit.checkpoint TO dinhdanh_app;
  GRANT SELECT, INSERT, DELETE ON audit.pending TO dinhdanh_app;
END
$$;
