-- +goose Up
-- NCCI tables (PTP and MUE) as imported from CMS files. They are public
-- reference data shared by every organization, so they carry no org_id.
-- Each imported table is one row holding the table in the compact binary
-- form of package edit/ncci: start-up reads a handful of blobs and builds
-- the in-memory index from them instead of reading millions of rows.
CREATE TABLE ncci_release (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('ptp', 'mue')),
    setting     TEXT NOT NULL CHECK (setting IN ('practitioner', 'outpatient_hospital', 'dme_supplier')),
    source      TEXT NOT NULL,
    effective   TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    data        BLOB NOT NULL,
    UNIQUE (kind, setting, sha256)
);

-- +goose Down
DROP TABLE ncci_release;
