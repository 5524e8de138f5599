-- 0002: hand-off bundles (export, import, merge, conflicts). Shipped migrations are never edited.

-- Public keys of the devices whose bundles this store accepts. The first bundle from a device
-- records its key (trust on first use); `maillage keys trust FILE` registers one in advance. A later
-- bundle that claims the same device with another key is refused.
CREATE TABLE device_key (
    device_id         TEXT PRIMARY KEY,        -- UUID of the other device (domain::DeviceId)
    public_key        TEXT NOT NULL,           -- Ed25519 public key, 64 lowercase hex digits
    fingerprint       TEXT NOT NULL,           -- what people compare aloud: SHA-256 of the key, 8 groups of 4 hex digits
    facilitator       TEXT NOT NULL,           -- the facilitator named by the first bundle or key file (display only)
    source            TEXT NOT NULL CHECK (source IN ('bundle', 'trusted')), -- first seen in an imported bundle, or registered by hand
    first_seen_at     TEXT NOT NULL,           -- RFC 3339, UTC, on this device
    first_seen_bundle TEXT                     -- bundle id that introduced the key; NULL when registered by hand
) STRICT;

-- Every bundle this device exported, one row per file. The sequence numbers the device's bundles;
-- `export --since-last` covers the record changes after the last row's `to_change`.
CREATE TABLE export_log (
    sequence    INTEGER PRIMARY KEY,           -- 1, 2, 3… for this device; also in the bundle's manifest
    bundle_id   TEXT NOT NULL UNIQUE,          -- UUID v7 of the bundle
    created_at  TEXT NOT NULL,                 -- RFC 3339, UTC
    covers      TEXT NOT NULL CHECK (covers IN ('full', 'since')), -- everything, or the changes since the previous export
    from_change INTEGER NOT NULL,              -- record_change.change_seq covered after (exclusive); 0 for a full export
    to_change   INTEGER NOT NULL,              -- highest record_change.change_seq covered (inclusive)
    records     INTEGER NOT NULL,              -- record lines carried (tombstones included)
    bytes       INTEGER NOT NULL,              -- size of the file written
    sealed_for  TEXT NOT NULL,                 -- JSON array of the age recipients (age1…) it was sealed for; [] when not sealed
    file_name   TEXT NOT NULL                  -- the file's name when written (no directory: paths can carry personal names)
) STRICT;

-- Which record changed last, in local order: a trigger bumps a record's row on every insert or
-- update of `record`, so `export --since-last` finds what changed, whether edited here or imported.
CREATE TABLE record_change (
    change_seq INTEGER PRIMARY KEY AUTOINCREMENT, -- grows with every change, never reused
    record_id  TEXT NOT NULL UNIQUE                -- record.id; one row per record, moved up at each change
) STRICT;

INSERT INTO record_change (record_id) SELECT id FROM record ORDER BY seq;

-- (DELETE then INSERT rather than INSERT OR REPLACE: the conflict policy of the statement that
-- fires a trigger overrides the trigger's own.)
CREATE TRIGGER record_change_on_insert AFTER INSERT ON record
BEGIN
    DELETE FROM record_change WHERE record_id = NEW.id;
    INSERT INTO record_change (record_id) VALUES (NEW.id);
END;

CREATE TRIGGER record_change_on_update AFTER UPDATE ON record
BEGIN
    DELETE FROM record_change WHERE record_id = NEW.id;
    INSERT INTO record_change (record_id) VALUES (NEW.id);
END;

-- The lineage of record versions: "version replaced parent, knowing it". A local edit records the
-- version it replaced (trigger below); imports add the edges their bundles carry. A version that is
-- the parent of another is superseded knowingly and is never a conflict; only heads (versions no
-- edge names as a parent) can be. Edges only accumulate, so every store ends with the same lineage.
CREATE TABLE record_lineage (
    record_id TEXT NOT NULL,                   -- record.id
    version   TEXT NOT NULL,                   -- the newer version (domain::Version as text)
    parent    TEXT NOT NULL,                   -- a version it replaced; always lower than `version`
    PRIMARY KEY (record_id, parent, version)
) STRICT, WITHOUT ROWID;

-- Set (one row) only inside an import's transaction, so that the trigger below does not take the
-- import's replacement of a local version for a local edit. Always empty outside a transaction.
CREATE TABLE merge_in_progress (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1)
) STRICT;

CREATE TRIGGER record_lineage_on_local_edit AFTER UPDATE OF version ON record
WHEN OLD.version <> NEW.version AND NOT EXISTS (SELECT 1 FROM merge_in_progress)
BEGIN
    DELETE FROM record_lineage WHERE record_id = NEW.id AND parent = OLD.version AND version = NEW.version;
    INSERT INTO record_lineage (record_id, version, parent) VALUES (NEW.id, NEW.version, OLD.version);
END;

-- Versions of a record that lost a merge and that nobody replaced knowingly: kept whole, never
-- dropped, until a person chooses (`conflicts resolve`) or a later edit replaces them knowingly.
CREATE TABLE conflict (
    id               TEXT PRIMARY KEY,         -- first 16 hex digits of the SHA-256 of `loser`: the same on every store
    record_id        TEXT NOT NULL,            -- record.id of the record in conflict
    kind             TEXT NOT NULL,            -- its kind (domain::Kind)
    loser_version    TEXT NOT NULL,            -- version of the losing record
    loser            TEXT NOT NULL,            -- the losing version whole: its canonical record line
    winner_version   TEXT NOT NULL,            -- version that holds the record now (updated when a newer one arrives)
    winner           TEXT NOT NULL,            -- that winning version whole, canonical record line
    found_at         TEXT NOT NULL,            -- RFC 3339, UTC, when this store found the conflict
    found_in_bundle  TEXT,                     -- bundle id of the import that found it; NULL when found here
    status           TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution       TEXT CHECK (resolution IN ('keep_winner', 'keep_loser', 'superseded', 'identical')),
                                               -- keep_*: a person chose; superseded: a later edit replaced the loser
                                               -- knowingly; identical: the loser's data equal the winner's (reopens if
                                               -- a winner with other data arrives); NULL while open
    resolved_at      TEXT,                     -- RFC 3339, UTC
    resolved_version TEXT                      -- the version written when a person resolved it
) STRICT;

CREATE INDEX conflict_by_record ON conflict (record_id, status);

-- Bundles already imported: importing one again changes nothing and says so.
CREATE TABLE imported_bundle (
    bundle_id   TEXT PRIMARY KEY,              -- UUID from the manifest
    device_id   TEXT NOT NULL,                 -- device that made it
    sequence    INTEGER NOT NULL,              -- its sequence number on that device
    covers      TEXT NOT NULL,                 -- 'full' or 'since'
    created_at  TEXT NOT NULL,                 -- when the device made it (RFC 3339, from the manifest)
    imported_at TEXT NOT NULL,                 -- when this store imported it
    file_sha256 TEXT NOT NULL,                 -- SHA-256 of the file as read (sealed or not)
    report      TEXT NOT NULL                  -- the import report, JSON (api::ImportReport)
) STRICT;

CREATE INDEX imported_bundle_by_device ON imported_bundle (device_id, sequence);
