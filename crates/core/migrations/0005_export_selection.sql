-- 0005: an export chooses its territories. Shipped migrations are never edited.

-- Which territories an export carried: '*' (every territory but the demonstrations), '*+demo'
-- (all of them), or their ids, sorted, comma-separated. "Since the last export" means since the
-- last export of the same territories.
ALTER TABLE export_log ADD COLUMN selection TEXT NOT NULL DEFAULT '*';
