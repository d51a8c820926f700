-- The registry's change feed: one row per change other systems react to (an eID account locked
-- on death, an agency told of a birth). Written in the same transaction as the person event, so
-- a follower that reads it in id order never misses or invents a change. Append-only.
CREATE TABLE registry.change (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type text NOT NULL,
  id_number char(12) NOT NULL,
  effective_date date,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Names of the fields that changed, never their values: followers read values through the registry.
  fields text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX change_person ON registry.change (id_number, id);

CREATE TRIGGER change_append_only BEFORE UPDATE OR DELETE ON registry.change
  FOR EACH ROW EXECUTE FUNCTION registry.refuse_change();
CREATE TRIGGER change_no_truncate BEFORE TRUNCATE ON registry.change
  FOR EACH STATEMENT EXECUTE FUNCTION registry.refuse_change();
