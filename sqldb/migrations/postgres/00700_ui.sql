-- +goose Up
-- Sessions of the web workbench. Only the SHA-256 of the session id is
-- kept, so a copy of the database does not hand out live sessions.
CREATE TABLE ui_session (
    id_hash    TEXT PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organization(id),
    user_id    BIGINT NOT NULL REFERENCES app_user(id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);
CREATE INDEX ui_session_created ON ui_session (created_at);

-- +goose Down
DROP TABLE ui_session;
