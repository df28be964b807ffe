-- +goose Up
-- Code-set releases. Public code sets (ICD-10-CM, HCPCS, modifiers, Place
-- of Service) are reference data shared by every organization: org_id is
-- NULL. A CPT file is AMA-licensed content that one organization imported
-- under its own licence: org_id names that organization, and only it sees
-- the release.
CREATE TABLE code_release (
    id        INTEGER PRIMARY KEY,
    system    TEXT NOT NULL,
    version   TEXT NOT NULL,
    effective TEXT NOT NULL,
    org_id    INTEGER REFERENCES organization(id),
    sources   TEXT NOT NULL,
    CHECK ((system = 'cpt') = (org_id IS NOT NULL) OR system = 'modifier')
);
CREATE UNIQUE INDEX code_release_key ON code_release (system, version, COALESCE(org_id, 0));

CREATE TABLE code (
    release_id INTEGER NOT NULL REFERENCES code_release(id),
    seq        INTEGER NOT NULL,
    code       TEXT NOT NULL,
    billable   INTEGER NOT NULL,
    short_desc TEXT NOT NULL,
    long_desc  TEXT NOT NULL,
    PRIMARY KEY (release_id, code)
);

-- Instructional notes of the Tabular List, in file order.
CREATE TABLE code_note (
    release_id INTEGER NOT NULL REFERENCES code_release(id),
    seq        INTEGER NOT NULL,
    code       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    chr        TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (release_id, seq)
);

-- The Alphabetic Index, one row per main term or subterm; parent is the
-- seq of the term above (-1 for a main term).
CREATE TABLE code_index_term (
    release_id   INTEGER NOT NULL REFERENCES code_release(id),
    seq          INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    parent       INTEGER NOT NULL,
    term         TEXT NOT NULL,
    nonessential TEXT NOT NULL,
    code         TEXT NOT NULL,
    see          TEXT NOT NULL,
    see_also     TEXT NOT NULL,
    PRIMARY KEY (release_id, seq)
);

-- +goose Down
DROP TABLE code_index_term;
DROP TABLE code_note;
DROP TABLE code;
DROP TABLE code_release;
