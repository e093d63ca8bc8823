-- `source merge FROM INTO`: the merged source stays (its id is in the events
-- of the claims it named, which replays and exports read), marked with the
-- source it went into and when, by whom. Its names find INTO from then on.
ALTER TABLE sources ADD COLUMN merged_into INTEGER REFERENCES sources (id);
ALTER TABLE sources ADD COLUMN merged_on TEXT;
ALTER TABLE sources ADD COLUMN merged_at TEXT;
ALTER TABLE sources ADD COLUMN merged_by TEXT;
CREATE INDEX sources_merged_into ON sources (merged_into) WHERE merged_into IS NOT NULL;
