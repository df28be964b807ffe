-- +goose Up
-- Failed sign-ins per account ('user:' and the SHA-256 of the username, so
-- a password typed into the username box is not kept) and per client
-- address ('addr:', 'token:'). The rows live in the database so every
-- `rcm serve` process on it shares them.
CREATE TABLE signin_throttle (
    throttle_key    TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    blocked_until   TEXT NOT NULL,
    locked          INTEGER NOT NULL
);

-- Security events that belong to no organization's audit chain, or to
-- every one: failed sign-ins (also for unknown usernames), bad API tokens,
-- locks. Never a password or code. Append-only.
CREATE TABLE security_event (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    action   TEXT NOT NULL,
    org_id   INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    username TEXT NOT NULL,
    client   TEXT NOT NULL
);
CREATE INDEX security_event_at ON security_event (at);

-- +goose StatementBegin
CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event
BEGIN
    SELECT RAISE(ABORT, 'security_event is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER security_event_no_delete BEFORE DELETE ON security_event
BEGIN
    SELECT RAISE(ABORT, 'security_event is append-only');
END;
-- +goose StatementEnd

-- TOTP (RFC 6238) per user. The secret has a column of its own so it can
-- be encrypted at rest; confirmed_at is '' while enrolment waits for the
-- first code. last_step is the last time step whose code was accepted: a
-- code is never accepted twice.
CREATE TABLE user_totp (
    user_id      INTEGER PRIMARY KEY REFERENCES app_user(id),
    org_id       INTEGER NOT NULL REFERENCES organization(id),
    secret       TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    last_step    INTEGER NOT NULL
);

-- Recovery codes: only their SHA-256 (they carry 80 random bits), each
-- usable once.
CREATE TABLE user_recovery_code (
    user_id   INTEGER NOT NULL REFERENCES app_user(id),
    code_hash TEXT NOT NULL,
    used_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A workbench session is '' (signed in), 'mfa' (password right, waiting
-- for the second factor) or 'enrol' (an admin who must set up TOTP).
ALTER TABLE ui_session ADD COLUMN stage TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE ui_session DROP COLUMN stage;
DROP TABLE user_recovery_code;
DROP TABLE user_totp;
DROP TABLE security_event;
DROP TABLE signin_throttle;
