-- Sectoral documents agencies push about people (enrichment): social-insurance numbers,
-- health-insurance cards, tax codes, driving licences, vehicle registrations, vaccinations,
-- criminal-record certificates.

-- Every state of a document an agency has pushed. A document is (kind, number, source agency);
-- a changed state is a new version and the previous ones stay (history is never rewritten, so
-- an agency's mistake is corrected by a newer version, not by an update). Person-scoped: the ID
-- number is the distribution key.
CREATE TABLE exchange.document_version (
  id_number char(12) NOT NULL,
  kind text NOT NULL,
  agency_id text NOT NULL REFERENCES exchange.agency (agency_id),
  number text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  issuer text,
  issued_on date,
  valid_from date,
  valid_until date,
  data jsonb NOT NULL,
  -- SHA-256 of the canonical content (holder's ID number, issuer, dates, data): the same push
  -- again is recognised as unchanged.
  content_hash text NOT NULL,
  -- When the agency's own record reached this state, if it said: orders versions.
  source_recorded_at timestamptz,
  purpose text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (id_number, kind, agency_id, number, version)
);
CREATE INDEX document_version_source ON exchange.document_version (agency_id, kind, number);

CREATE FUNCTION exchange.refuse_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'exchange.%: % is not allowed on append-only data', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER document_version_append_only BEFORE UPDATE OR DELETE ON exchange.document_version
  FOR EACH ROW EXECUTE FUNCTION exchange.refuse_document_change();

-- Which person a document number belongs to. `scope` is '' for numbers that identify a
-- document nationally (a tax code, a licence number: one holder whoever pushes it) and the
-- agency's id for numbers that are only unique at their source (a vaccination record id). The
-- primary key is what stops one number being linked to two people, even by concurrent pushes.
-- Keyed by the number, not the person: under Citus this table is distributed by (kind, number).
-- Not append-only: moving a number wrongly linked to someone is an administrator's correction.
CREATE TABLE exchange.document_number (
  kind text NOT NULL,
  scope text NOT NULL,
  number text NOT NULL,
  id_number char(12) NOT NULL,
  agency_id text NOT NULL REFERENCES exchange.agency (agency_id),
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (kind, scope, number)
);
