-- 0003: settings local to this store. Shipped migrations are never edited.

-- What this person chose on this computer (for now: headquarters' public keys, so that exports
-- are sealed for them). Local only: never carried in bundles, never printed by `dump --canonical`.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,                    -- the setting's name, e.g. 'hq_public_keys'
    value TEXT NOT NULL                        -- its value as JSON (hq_public_keys: an array of "age1…" strings)
) STRICT;
