-- The period reports find entries by time through a BRIN index instead of a B-tree.
--
-- Entries are only ever appended, in the order their transactions ran, so each block range of
-- the table holds a narrow span of `created_at`, which is what a BRIN index records: a few
-- bytes per 128 pages, and next to nothing to do per new row. The B-tree took two insertions
-- per transfer (all of one transaction's under the same key, its `now()`); without it,
-- PostgreSQL's CPU per batched transfer in `bench/ledger.sh` fell from 73 to 56-64 µs. A report
-- over a period reads the block ranges whose span overlaps it; `autosummarize` has autovacuum
-- summarise each range as it fills, and ranges not yet summarised are read as candidates.
DROP INDEX entries_created;
CREATE INDEX entries_created ON entries USING brin (created_at) WITH (autosummarize = on);
