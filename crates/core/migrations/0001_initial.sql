-- 0001: the first schema. Shipped migrations are never edited: change the schema in a new file.

-- This installation of Maillage: exactly one row once `init` has run.
CREATE TABLE device (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id     TEXT NOT NULL,              -- UUID chosen at init; names this device in versions and bundles
    facilitator   TEXT NOT NULL,              -- the name the facilitator gave at init (created_by of new records)
    signing_key   BLOB NOT NULL,              -- Ed25519 secret key (32 bytes): signs this device's bundles; never leaves the store
    created_at    TEXT NOT NULL,              -- RFC 3339, UTC
    clock_ms      INTEGER NOT NULL DEFAULT 0, -- hybrid logical clock: highest milliseconds issued or seen
    clock_counter INTEGER NOT NULL DEFAULT 0  -- hybrid logical clock: counter within clock_ms
) STRICT;

-- Every record of every kind, live or deleted. The kind's own fields are in `data` (canonical JSON);
-- the other columns are what the store filters, orders and merges on.
CREATE TABLE record (
    seq            INTEGER PRIMARY KEY,        -- local row number, also the rowid in record_fts; never travels
    id             TEXT NOT NULL UNIQUE,       -- UUID (v7, or v8 for shipped defaults)
    kind           TEXT NOT NULL,              -- territory, interview… (domain::Kind)
    territory_id   TEXT REFERENCES record (id) DEFERRABLE INITIALLY DEFERRED, -- own id for a territory; NULL for programme-wide guides and themes
    version        TEXT NOT NULL,              -- domain::Version as text: sorts like the version; the highest wins a merge
    created_by     TEXT NOT NULL,              -- facilitator who created the record
    created_device TEXT NOT NULL,              -- device that created the record
    created_at     TEXT NOT NULL,              -- RFC 3339, UTC, on the creating device
    updated_at     TEXT NOT NULL,              -- RFC 3339, UTC, on the device that made `version`
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), -- 1: a tombstone, data is '{}'
    title          TEXT NOT NULL,              -- display title derived from data ('' for a tombstone)
    date           TEXT,                       -- the record's main day (YYYY-MM-DD) when it has one
    data           TEXT NOT NULL               -- the kind's fields, canonical JSON (sorted keys)
) STRICT;

CREATE INDEX record_by_kind ON record (kind, territory_id, date);
CREATE INDEX record_by_territory ON record (territory_id, kind);

-- Full-text index of live records: rowid = record.seq. Accents and case folded.
CREATE VIRTUAL TABLE record_fts USING fts5 (
    title,                                      -- record.title, weighted higher
    body,                                       -- every text of data (domain::text::searchable_text)
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Attachment contents, by SHA-256 (lowercase hex); attachment records point here.
CREATE TABLE blob (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
) STRICT;
