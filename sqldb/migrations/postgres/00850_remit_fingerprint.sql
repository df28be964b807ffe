-- +goose Up
-- The content fingerprint of each 835 posted (remit.Remittance.Fingerprint:
-- BPR amount, method and date and every claim and service payment, without
-- the TRN02 trace). A second 835 of the same payer with the same content but
-- another trace is a copy whose trace was damaged or altered: the unique
-- index refuses it, even from two processes at once. 835s posted before this
-- migration have none (NULL), which the index leaves alone.
ALTER TABLE remittance ADD COLUMN fingerprint TEXT;
CREATE UNIQUE INDEX remittance_fingerprint ON remittance (org_id, payer_id, fingerprint);

-- +goose Down
DROP INDEX remittance_fingerprint;
ALTER TABLE remittance DROP COLUMN fingerprint;
