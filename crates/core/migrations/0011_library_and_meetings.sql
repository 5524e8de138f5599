-- 0011: what headquarters sends back to the territories (issue 13): the national meetings
-- (`national_meeting`, headquarters' own records) and the action's `inspired_by` (the library
-- sheet an action was inspired by), in the `record` table like every kind (no table changes).
-- The schema version moves so that an older store refuses bundles carrying them by their version
-- (« mettez à jour Maillage »). Shipped migrations are never edited.
SELECT 1;
