-- 0008: erasure that travels (api/privacy.rs, sync/erasure.rs). Shipped migrations are never edited.

-- The persons erased, here or on another store: all that remains of them, an id and a day, no
-- name. Every bundle carries these lines (`erasures.jsonl`); a store that receives one erases the
-- person the same way in the import's transaction, and a version that arrives afterwards — an
-- older bundle replayed — is scrubbed before it is merged (the person and their attachments are
-- left out, passages attributed to them removed), so the person never comes back.
CREATE TABLE erasure (
    person_id       TEXT PRIMARY KEY,          -- the erased person's record id (UUID)
    erased_on       TEXT NOT NULL,             -- YYYY-MM-DD, the day the device that erased them did it (travels)
    recorded_at     TEXT NOT NULL,             -- RFC 3339, UTC, when this store erased them (local only)
    found_in_bundle TEXT                       -- bundle id of the import that brought the marker; NULL when erased here
) STRICT;
