-- +goose Up
-- Credentials that end: a forced password reset, token scopes, revocation
-- and last use, and where a workbench session signed in from.
-- must_change_password is 0 or 1.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
-- Tokens made before scopes existed could do all their user's role
-- allows, which is the admin scope.
ALTER TABLE api_token ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE api_token ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_token ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
CREATE INDEX api_token_user ON api_token (org_id, user_id);
ALTER TABLE ui_session ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX ui_session_user ON ui_session (org_id, user_id);

-- +goose Down
DROP INDEX ui_session_user;
ALTER TABLE ui_session DROP COLUMN client;
DROP INDEX api_token_user;
ALTER TABLE api_token DROP COLUMN revoked_at;
ALTER TABLE api_token DROP COLUMN last_used_at;
ALTER TABLE api_token DROP COLUMN scope;
ALTER TABLE app_user DROP COLUMN must_change_password;
