package sqldb

import (
	"context"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
)

// KPIReport computes the manager's numbers for the days from through to
// (inclusive), by the ledger's posting times and the 835s' posting times:
// one pass over the ledger grouped by service line, one over the claims
// answered. It reads sums, not patients, so it is audited as one report
// read.
func (db *DB) KPIReport(ctx context.Context, from, to time.Time) (*kpi.Report, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "to", "The period ends (%s) before it starts (%s).", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	lo, hi := formatTime(from), formatTime(to.AddDate(0, 0, 1).Add(-time.Nanosecond))
	var lines []kpi.LineFacts
	var claims []kpi.ClaimFacts
	var subs []kpi.SubmissionFacts
	err = db.Transact(ctx, func(tx *Tx) error {
		payers, err := queryAll(ctx, tx, func(s scanner) ([2]string, error) {
			var id, name string
			return [2]string{id, name}, s.Scan(&id, &name)
		}, `SELECT CAST(id AS TEXT), name FROM payer WHERE org_id = ?`, a.OrgID)
		if err != nil {
			return err
		}
		payerName := map[string]string{"": "Self-pay"}
		for _, p := range payers {
			payerName[p[0]] = p[1]
		}
		payerName["0"] = "Self-pay"
		// The ledger's figures come from its running summary
		// (kpi_ledger_day, kept by every posting and checked against the
		// ledger by `rcm ledger check`), one row per day, billed payer,
		// provider and date of service: open A/R at the end sums every
		// day through the end, the rest only the days of the period.
		day0, day1 := lo[:10], hi[:10]
		lines, err = queryAll(ctx, tx, func(s scanner) (kpi.LineFacts, error) {
			var l kpi.LineFacts
			var dos, first, last, payer string
			var open, charged, co, collected int64
			if err := s.Scan(&dos, &first, &last, &payer, &open, &charged, &co, &collected); err != nil {
				return l, err
			}
			d, err := parseDate(dos)
			l.DateOfService, l.Provider, l.Payer = d.Time(), "Dr. "+first+" "+last, payerName[payer]
			l.OpenAtEnd, l.Charged, l.Contractual, l.Collected = rcm.Money(open), rcm.Money(charged), rcm.Money(co), rcm.Money(collected)
			return l, err
		}, `SELECT k.date_of_service, pv.first_name, pv.last_name, CAST(k.payer_id AS TEXT), CAST(SUM(k.open_change) AS BIGINT),
				CAST(SUM(CASE WHEN k.day >= ? THEN k.charged ELSE 0 END) AS BIGINT),
				CAST(SUM(CASE WHEN k.day >= ? THEN k.contractual ELSE 0 END) AS BIGINT),
				CAST(SUM(CASE WHEN k.day >= ? THEN k.collected ELSE 0 END) AS BIGINT)
			FROM kpi_ledger_day k
			JOIN provider pv ON pv.org_id = k.org_id AND pv.id = k.provider_id
			WHERE k.org_id = ? AND k.day <= ?
			GROUP BY k.payer_id, k.provider_id, k.date_of_service, pv.first_name, pv.last_name`,
			day0, day0, day0, a.OrgID, day1)
		if err != nil {
			return err
		}
		// Each claim's first answer (its earliest 835), when that falls in
		// the period.
		claims, err = queryAll(ctx, tx, func(s scanner) (kpi.ClaimFacts, error) {
			var c kpi.ClaimFacts
			var payer, first, last, status string
			var paid int64
			err := s.Scan(&payer, &first, &last, &status, &paid)
			c.Payer, c.Provider, c.Denied = payerName[payer], "Dr. "+first+" "+last, status == "4"
			c.Paid = (status == "1" || status == "2" || status == "3") && paid > 0
			return c, err
		}, `SELECT CAST(cl.payer_id AS TEXT), pv.first_name, pv.last_name, rc.status, rc.paid
			FROM remit_claim rc
			JOIN remittance r ON r.org_id = rc.org_id AND r.id = rc.remittance_id
			JOIN claim cl ON cl.org_id = rc.org_id AND cl.id = rc.claim_id
			JOIN encounter e ON e.org_id = cl.org_id AND e.id = cl.encounter_id
			JOIN provider pv ON pv.org_id = e.org_id AND pv.id = e.rendering_provider_id
			WHERE rc.org_id = ? AND r.posted_at >= ? AND r.posted_at <= ?
			AND NOT EXISTS (SELECT 1 FROM remit_claim rc2 JOIN remittance r2 ON r2.org_id = rc2.org_id AND r2.id = rc2.remittance_id
				WHERE rc2.org_id = rc.org_id AND rc2.claim_id = rc.claim_id AND (r2.posted_at < r.posted_at OR (r2.posted_at = r.posted_at AND rc2.id < rc.id)))`,
			a.OrgID, lo, hi)
		if err != nil {
			return err
		}
		// Each claim's first submission in the period, from its history:
		// clean unless a rejection came before its first adjudication.
		// Each claim's first submission is one grouped pass over the
		// submissions; only the rare rejected claims are looked into
		// (a rejection after a submission and before any adjudication),
		// not every claim with two index probes, which took minutes at a
		// million claims.
		// Counted per payer, provider and outcome in the database, so the
		// planner joins a million claims by hashing, not by probing.
		type subGroup struct {
			f kpi.SubmissionFacts
			n int
		}
		groups, err := queryAll(ctx, tx, func(s scanner) (subGroup, error) {
			var g subGroup
			var payer, first, last string
			var rejected int64
			err := s.Scan(&payer, &first, &last, &rejected, &g.n)
			g.f.Payer, g.f.Provider, g.f.Clean = payerName[payer], "Dr. "+first+" "+last, rejected == 0
			return g, err
		}, `SELECT CAST(g.payer_id AS TEXT), pv.first_name, pv.last_name, g.rejected, g.n
			FROM (SELECT cl.payer_id, e.rendering_provider_id AS provider_id, CASE WHEN bad.claim_id IS NULL THEN 0 ELSE 1 END AS rejected, COUNT(*) AS n
				FROM (SELECT org_id, claim_id, MIN(id) AS sub FROM claim_event WHERE org_id = ? AND to_state = 'submitted' GROUP BY org_id, claim_id) h
				JOIN claim_event fs ON fs.id = h.sub
				JOIN claim cl ON cl.org_id = h.org_id AND cl.id = h.claim_id
				JOIN encounter e ON e.org_id = cl.org_id AND e.id = cl.encounter_id
				LEFT JOIN (SELECT DISTINCT rj.claim_id FROM claim_event rj WHERE rj.org_id = ? AND rj.to_state = 'rejected'
					AND EXISTS (SELECT 1 FROM claim_event s0 WHERE s0.org_id = rj.org_id AND s0.claim_id = rj.claim_id AND s0.to_state = 'submitted' AND s0.id < rj.id)
					AND NOT EXISTS (SELECT 1 FROM claim_event ad WHERE ad.org_id = rj.org_id AND ad.claim_id = rj.claim_id AND ad.id < rj.id
						AND ad.to_state IN ('paid', 'partly_paid', 'denied', 'reversed', 'appealed', 'closed'))) bad ON bad.claim_id = h.claim_id
				WHERE fs.at >= ? AND fs.at <= ?
				GROUP BY cl.payer_id, e.rendering_provider_id, CASE WHEN bad.claim_id IS NULL THEN 0 ELSE 1 END) g
			JOIN provider pv ON pv.org_id = ? AND pv.id = g.provider_id`,
			a.OrgID, a.OrgID, lo, hi, a.OrgID)
		if err != nil {
			return err
		}
		subs = nil
		for _, g := range groups {
			for range g.n {
				subs = append(subs, g.f)
			}
		}
		return tx.audit(ctx, a, rcm.AuditRead, "kpi_report", 0, 0)
	})
	if err != nil {
		return nil, err
	}
	return kpi.Compute(from, to, lines, claims, subs), nil
}
