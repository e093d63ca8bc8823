-- A source may have other names ("شفق نيوز" for Shafaq News): each finds
-- it wherever a name is taken (--source, import records), and no name is
-- both a source's and another's alias.
CREATE TABLE source_aliases (
    name_key  text PRIMARY KEY,
    source_id bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    name      text NOT NULL CHECK (btrim(name) <> '')
);
CREATE INDEX source_aliases_source ON source_aliases (source_id);
