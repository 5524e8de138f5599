-- 0004: deleted means gone from the bytes. Shipped migrations are never edited.

-- The full-text index keeps no copy of the text any more (contentless: the text is the record's)
-- and purges the words of a deleted or replaced record from its segments at once (secure-delete;
-- the store tells it which words with FTS5's 'delete' command, from the stored row). It is filled
-- again from the records right after this migration.
DROP TABLE record_fts;
CREATE VIRTUAL TABLE record_fts USING fts5 (
    title,                                      -- record.title, weighted higher
    body,                                       -- every text of data (domain::text::searchable_text)
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO record_fts (record_fts, rank) VALUES ('secure-delete', 1);

-- A lineage edge must go from a version to a higher one. Earlier releases could write an edge
-- to a lower version (a counter that saturated), which every importer refused: drop them.
DELETE FROM record_lineage WHERE parent >= version;

-- Versions kept for review of a record that is now deleted: the deletion erases them.
DELETE FROM conflict WHERE record_id IN (SELECT id FROM record WHERE deleted = 1);
