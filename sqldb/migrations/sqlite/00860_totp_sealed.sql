-- +goose Up
-- The TOTP secret is a credential: it is sealed like the other sensitive
-- fields (package seal), bound to its user and organization. sealed_key
-- names the key it is under; '' marks a secret stored in plaintext before
-- this migration, which the next open seals.
ALTER TABLE user_totp ADD COLUMN sealed_key TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE user_totp DROP COLUMN sealed_key;
