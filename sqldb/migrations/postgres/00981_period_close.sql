-- +goose Up
-- Month-end close: the books of an organization are closed through a date;
-- nothing posts with a date on or before it. Rows only grow: the latest
-- close is the one in force.
CREATE TABLE period_close (
    org_id    BIGINT NOT NULL REFERENCES organization(id),
    through   TEXT NOT NULL, -- YYYY-MM-DD, inclusive
    closed_by BIGINT NOT NULL,
    closed_at TEXT NOT NULL,
    PRIMARY KEY (org_id, through)
);

-- +goose Down
DROP TABLE period_close;
