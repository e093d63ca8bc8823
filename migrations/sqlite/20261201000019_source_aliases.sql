-- A source may have other names ("شفق نيوز" for Shafaq News): each finds
-- it wherever a name is taken (--source, import records), and no name is
-- both a source's and another's alias.
CREATE TABLE source_aliases (
    name_key  TEXT PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    name      TEXT NOT NULL CHECK (trim(name) <> '')
);
CREATE INDEX source_aliases_source ON source_aliases (source_id);
