-- +goose Up
-- Earlier payers' adjudications of a secondary claim (rcm.PriorPayment) as
-- JSON; '' for a primary claim.
ALTER TABLE claim ADD COLUMN prior TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE claim DROP COLUMN prior;
