-- `source merge FROM INTO`: the merged source stays (its id is in the events
-- of the claims it named, which replays and exports read), marked with the
-- source it went into and when, by whom. Its names find INTO from then on.
ALTER TABLE sources ADD COLUMN merged_into bigint REFERENCES sources (id);
ALTER TABLE sources ADD COLUMN merged_on date;
ALTER TABLE sources ADD COLUMN merged_at timestamptz;
ALTER TABLE sources ADD COLUMN merged_by text;
CREATE INDEX sources_merged_into ON sources (merged_into) WHERE merged_into IS NOT NULL;
