-- 0006: headquarters' dashboard reads every territory at once (api::national_status, store/national.rs).
-- A national store holds hundreds of thousands of records: these partial indexes let it count them
-- without reading their data. Shipped migrations are never edited.

-- Live records per territory, kind and creator (counts per kind, the facilitators).
CREATE INDEX record_live_by_territory ON record (territory_id, kind, created_by) WHERE deleted = 0;

-- The one field of a record that the method's checklists look at, derived from its data (never
-- stored in the row; its value is kept in the index below): the status of an interview or practice
-- sheet; an action's status followed by ' classée' when it has a rank or both impact and
-- feasibility; a workshop's kind; a measurement's indicator; an indicator's own id. NULL otherwise.
ALTER TABLE record ADD COLUMN facet TEXT GENERATED ALWAYS AS (CASE kind
    WHEN 'interview' THEN data ->> '$.status'
    WHEN 'practice' THEN data ->> '$.status'
    WHEN 'action' THEN (data ->> '$.status') || CASE WHEN data ->> '$.priority.rank' IS NOT NULL
        OR (data ->> '$.priority.impact' IS NOT NULL AND data ->> '$.priority.feasibility' IS NOT NULL)
        THEN ' classée' ELSE '' END
    WHEN 'workshop' THEN data ->> '$.kind'
    WHEN 'measurement' THEN data ->> '$.indicator_id'
    WHEN 'indicator' THEN id
    END) VIRTUAL;

-- Live records per kind, territory and facet, for the kinds that have one.
CREATE INDEX record_live_facet ON record (kind, territory_id, facet)
    WHERE deleted = 0 AND kind IN ('interview', 'action', 'practice', 'workshop', 'indicator', 'measurement');
