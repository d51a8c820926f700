-- A batch's members are found by entry id only to build a membership proof or to verify the log,
-- and they are written together, in entry-id order: a BRIN index finds them as well as a B-tree
-- and costs almost nothing to maintain, where the B-tree cost ~1.5 µs per member of a 1,000,000-row
-- matching job (docs/benchmarks.md). autosummarize has autovacuum summarise each block range as it
-- fills, so lookups do not scan the table's unsummarised tail (PGlite runs no autovacuum; its
-- databases are small).
DROP INDEX audit.entry_member_entry;
CREATE INDEX entry_member_entry ON audit.entry_member USING brin (entry_id) WITH (autosummarize = on);
