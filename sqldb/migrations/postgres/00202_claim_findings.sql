-- +goose Up
-- The findings of a claim's latest scrub. Replaced by each scrub; the
-- claim's history records each resulting change of state.
CREATE TABLE claim_finding (
    org_id   BIGINT NOT NULL,
    claim_id BIGINT NOT NULL,
    seq      BIGINT NOT NULL,
    rule     TEXT NOT NULL,
    severity TEXT NOT NULL,
    lines    TEXT NOT NULL,
    message  TEXT NOT NULL,
    fix      TEXT NOT NULL,
    PRIMARY KEY (claim_id, seq),
    FOREIGN KEY (org_id, claim_id) REFERENCES claim(org_id, id)
);

-- +goose Down
DROP TABLE claim_finding;
