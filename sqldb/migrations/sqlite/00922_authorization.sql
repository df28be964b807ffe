-- +goose Up
-- Prior authorizations and referrals recorded on a coverage, and the units
-- each service line has used of one (one row per line, so a rebuilt claim
-- replaces its use instead of adding to it).
CREATE TABLE coverage_authorization (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organization(id),
    coverage_id   INTEGER NOT NULL REFERENCES coverage(id),
    kind          TEXT NOT NULL,
    number        TEXT NOT NULL,
    code_from     TEXT NOT NULL DEFAULT '',
    code_to       TEXT NOT NULL DEFAULT '',
    units         INTEGER NOT NULL DEFAULT 0,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    referring_npi TEXT NOT NULL DEFAULT ''
);
CREATE INDEX authorization_coverage ON coverage_authorization (org_id, coverage_id);
CREATE TABLE coverage_authorization_use (
    org_id           INTEGER NOT NULL REFERENCES organization(id),
    authorization_id INTEGER NOT NULL REFERENCES coverage_authorization(id),
    service_line_id  INTEGER NOT NULL,
    units            INTEGER NOT NULL,
    PRIMARY KEY (authorization_id, service_line_id)
);

-- +goose Down
DROP TABLE coverage_authorization_use;
DROP TABLE coverage_authorization;
