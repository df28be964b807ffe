-- +goose Up
-- Resolutions of posting exceptions: how a biller settled a claim payment
-- that could not be posted (posted by hand, not ours, refund requested,
-- other), with a note, who and when. A resolution is written once and
-- never changed; resolving also stamps remit_exception.resolved_at, which
-- the open queue is read by, and a resolved exception cannot be reopened.

CREATE TABLE remit_exception_resolution (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    exception_id INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    note         TEXT NOT NULL,
    user_id      INTEGER NOT NULL, -- 0 for the command line
    resolved_at  TEXT NOT NULL,
    -- An exception is resolved once.
    UNIQUE (org_id, exception_id),
    FOREIGN KEY (org_id, exception_id) REFERENCES remit_exception(org_id, id)
);

-- The composite key above needs a unique (org_id, id) on remit_exception.
CREATE UNIQUE INDEX remit_exception_org_id ON remit_exception (org_id, id);
CREATE INDEX remit_exception_remittance ON remit_exception (org_id, remittance_id);

-- +goose StatementBegin
CREATE TRIGGER remit_exception_resolution_no_update BEFORE UPDATE ON remit_exception_resolution
BEGIN
    SELECT RAISE(ABORT, 'remit_exception_resolution is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remit_exception_resolution_no_delete BEFORE DELETE ON remit_exception_resolution
BEGIN
    SELECT RAISE(ABORT, 'remit_exception_resolution is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER remit_exception_stays_resolved BEFORE UPDATE ON remit_exception
WHEN OLD.resolved_at <> ''
BEGIN
    SELECT RAISE(ABORT, 'a resolved remit_exception cannot change');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER remit_exception_stays_resolved;
DROP TRIGGER remit_exception_resolution_no_delete;
DROP TRIGGER remit_exception_resolution_no_update;
DROP TABLE remit_exception_resolution;
DROP INDEX remit_exception_remittance;
DROP INDEX remit_exception_org_id;
