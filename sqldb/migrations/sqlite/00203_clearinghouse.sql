-- +goose Up
CREATE TABLE clearinghouse (
    org_id         INTEGER PRIMARY KEY REFERENCES organization(id),
    submitter_id   TEXT NOT NULL,
    submitter_name TEXT NOT NULL,
    contact_name   TEXT NOT NULL,
    contact_phone  TEXT NOT NULL,
    receiver_id    TEXT NOT NULL,
    receiver_name  TEXT NOT NULL,
    production     INTEGER NOT NULL,
    transport      TEXT NOT NULL
);

-- +goose Down
DROP TABLE clearinghouse;
