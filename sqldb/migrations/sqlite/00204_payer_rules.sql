-- +goose Up
-- A payer's own rules (rcm.PayerRule) as JSON; '' for none.
ALTER TABLE payer ADD COLUMN rules TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payer DROP COLUMN rules;
