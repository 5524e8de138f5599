-- 0007: headquarters' workspace: where each record's current version came from. Shipped
-- migrations are never edited.

-- The changes each import wrote. An import is one transaction, and every record it writes (added,
-- updated or deleted) moves up in `record_change` (its triggers): the import's rows are exactly
-- those whose `change_seq` is in (from_change, to_change]. A record whose `change_seq` lies in a
-- bundle's range still holds the version that bundle brought; a later local edit, resolution or
-- import moves it out (no per-record row to write or clear). Imports made before this migration
-- have no range: their records' provenance is unknown (NULL bundle).
CREATE TABLE imported_bundle_changes (
    bundle_id   TEXT PRIMARY KEY,              -- imported_bundle.bundle_id
    from_change INTEGER NOT NULL,              -- highest record_change.change_seq before the import (exclusive)
    to_change   INTEGER NOT NULL               -- highest change_seq after it (inclusive); > from_change
) STRICT;

-- The bundle whose range holds a change: the first range ending at or after it.
CREATE UNIQUE INDEX imported_bundle_changes_by_end ON imported_bundle_changes (to_change);
