-- +goose Up
-- The KPI report's running summary of the ledger: per organization, posting
-- day, billed payer (the line's first charge's payer, 0 for none), rendering
-- provider and date of service, the change in open A/R and what was charged,
-- given up by contract (CO) and collected that day. Each posting adds its
-- pairs in its own transaction (sqldb/kpi_summary.go), so the report sums
-- these rows instead of every ledger pair of the year; `rcm ledger check`
-- recomputes it from the ledger and names any difference. The rows below
-- are that recomputation for the ledger as it stands.
CREATE TABLE kpi_ledger_day (
    org_id          BIGINT NOT NULL,
    day             TEXT NOT NULL,   -- YYYY-MM-DD of ledger_txn.posted_at (UTC)
    payer_id        BIGINT NOT NULL, -- 0: the line was never charged to a payer
    provider_id     BIGINT NOT NULL,
    date_of_service TEXT NOT NULL,
    open_change     BIGINT NOT NULL,
    charged         BIGINT NOT NULL,
    contractual     BIGINT NOT NULL,
    collected       BIGINT NOT NULL,
    PRIMARY KEY (org_id, day, payer_id, provider_id, date_of_service)
);

INSERT INTO kpi_ledger_day (org_id, day, payer_id, provider_id, date_of_service, open_change, charged, contractual, collected)
SELECT p.org_id, substr(t.posted_at, 1, 10), COALESCE(lp.payer, 0), e.rendering_provider_id, e.date_of_service,
    SUM(CASE WHEN p.debit_kind IN ('insurance_ar', 'patient_ar') THEN p.amount ELSE 0 END
        - CASE WHEN p.credit_kind IN ('insurance_ar', 'patient_ar') THEN p.amount ELSE 0 END),
    SUM(CASE WHEN p.credit_kind = 'charges' THEN p.amount ELSE 0 END - CASE WHEN p.debit_kind = 'charges' THEN p.amount ELSE 0 END),
    SUM(CASE WHEN p.debit_kind = 'adjusted' AND p.debit_grp = 'CO' THEN p.amount ELSE 0 END
        - CASE WHEN p.credit_kind = 'adjusted' AND p.credit_grp = 'CO' THEN p.amount ELSE 0 END),
    SUM(CASE WHEN p.debit_kind IN ('payer_paid', 'patient_paid') THEN p.amount ELSE 0 END
        - CASE WHEN p.credit_kind IN ('payer_paid', 'patient_paid') THEN p.amount ELSE 0 END)
FROM ledger_pair p
JOIN ledger_txn t ON t.org_id = p.org_id AND t.id = p.txn_id
JOIN service_line s ON s.org_id = p.org_id AND s.id = p.line_id
JOIN encounter e ON e.org_id = s.org_id AND e.id = s.encounter_id
LEFT JOIN (SELECT org_id, line_id, MIN(debit_payer) AS payer FROM ledger_pair WHERE op = 'charge' GROUP BY org_id, line_id) lp
    ON lp.org_id = p.org_id AND lp.line_id = p.line_id
WHERE 1 = 1
GROUP BY p.org_id, substr(t.posted_at, 1, 10), COALESCE(lp.payer, 0), e.rendering_provider_id, e.date_of_service;

-- +goose Down
DROP TABLE kpi_ledger_day;
