-- Bulk matching jobs: an agency's file of records checked against the registry (ADR 0007).
--
-- A job's records are staged, while it is uploaded, in a table of its own,
-- exchange.matching_input_<job_no> (created and dropped by the code: dropping a million rows is
-- then instant, and no index on a shared table grows with every upload). Matching reads them
-- joined with registry.person_match in line order and writes the report in batches; each batch's
-- report, its audit entries and the job's checkpoint commit in one statement, so a job
-- interrupted by a crash resumes after its last batch and ends with the same report. The staged
-- records are dropped when matching ends; the report is deleted after the retention period.
CREATE TABLE exchange.matching_job (
  job_no bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The public, unguessable id.
  job_id text NOT NULL UNIQUE,
  agency_id text NOT NULL REFERENCES exchange.agency (agency_id),
  purpose text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'ndjson')),
  -- Compared fields in file order (idNumber, always present, is not listed).
  fields text[] NOT NULL,
  status text NOT NULL CHECK (status IN ('uploading', 'queued', 'matching', 'done', 'failed')),
  records_total bigint NOT NULL DEFAULT 0,
  records_done bigint NOT NULL DEFAULT 0,
  matched bigint NOT NULL DEFAULT 0,
  mismatched bigint NOT NULL DEFAULT 0,
  not_found bigint NOT NULL DEFAULT 0,
  deceased bigint NOT NULL DEFAULT 0,
  duplicate bigint NOT NULL DEFAULT 0,
  invalid_id bigint NOT NULL DEFAULT 0,
  malformed bigint NOT NULL DEFAULT 0,
  -- The last line whose result is in the report; matching resumes after it.
  checkpoint_line bigint NOT NULL DEFAULT 0,
  batches_done integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  -- The process uploading or matching the job, until when; another takes over after that.
  lease_owner text,
  lease_until timestamptz,
  error_code text,
  error_detail text,
  created_at timestamptz NOT NULL,
  queued_at timestamptz,
  finished_at timestamptz,
  expires_at timestamptz,
  purged_at timestamptz
);
CREATE INDEX matching_job_agency ON exchange.matching_job (agency_id, job_no DESC);
CREATE INDEX matching_job_open ON exchange.matching_job (status, job_no)
  WHERE status IN ('uploading', 'queued', 'matching');
CREATE INDEX matching_job_expiry ON exchange.matching_job (expires_at) WHERE purged_at IS NULL;

-- The report, one row per batch of consecutive lines, already rendered in the file's format:
-- downloading it is reading these rows in order.
CREATE TABLE exchange.matching_report (
  job_no bigint NOT NULL REFERENCES exchange.matching_job (job_no),
  batch_no integer NOT NULL,
  first_line bigint NOT NULL,
  last_line bigint NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (job_no, batch_no)
);
-- Written once and read once: compressing it would cost more time than the space it saves.
ALTER TABLE exchange.matching_report ALTER COLUMN body SET STORAGE EXTERNAL;
