-- +goose Up
-- CARC and RARC code lists (package carc): reference data shared by every
-- organization, so, unlike tenant tables, without org_id. An import replaces
-- a whole list.
CREATE TABLE x12_code (
    list          TEXT NOT NULL, -- carc or rarc
    code          TEXT NOT NULL,
    description   TEXT NOT NULL,
    usage         TEXT NOT NULL,
    notes         TEXT NOT NULL,
    start_date    TEXT NOT NULL, -- YYYY-MM-DD or ''
    last_modified TEXT NOT NULL,
    stop_date     TEXT NOT NULL, -- first day the code may no longer be used, or ''
    PRIMARY KEY (list, code)
);

-- +goose Down
DROP TABLE x12_code;
