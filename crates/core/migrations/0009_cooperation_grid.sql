-- 0009: the cooperation grid to the end (issue 14): two kinds of record, `common_goal` and
-- `charter`, and the territory's hand-ticked items of the grid (`grid_checks`). Records live in the
-- `record` table like every kind: no table changes. The schema version moves so that a store
-- older than this one refuses bundles carrying these kinds by their version (« mettez à jour
-- Maillage ») instead of as unknown kinds. Shipped migrations are never edited.
SELECT 1;
