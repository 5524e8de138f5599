-- 0010: the selection committee of inspiring practices (issue 13): two kinds of record kept by
-- headquarters, `practice_review` and `library_sheet`, in the `record` table like every kind (no
-- table changes). The schema version moves so that an older store refuses bundles carrying them by
-- their version (« mettez à jour Maillage »). Shipped migrations are never edited.
SELECT 1;
