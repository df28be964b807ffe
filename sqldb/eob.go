package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// FindPostedClaimPayment returns a posted claim payment (an 835 CLP as
// stored) with its service lines and adjustments, and audits the read.
func (db *DB) FindPostedClaimPayment(ctx context.Context, id int64) (*remit.PostedClaimPayment, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var p *remit.PostedClaimPayment
	err = db.Transact(ctx, func(tx *Tx) error {
		p = &remit.PostedClaimPayment{}
		var claimID, patientID sql.NullInt64
		var charge, paid, resp int64
		var adjs, remarks, paidOn string
		err := tx.QueryRowContext(ctx, `SELECT rc.id, rc.remittance_id, r.payer_id, r.payer_name, r.trace, r.paid_on, rc.claim_id, cl.patient_id,
				rc.control_number, rc.status, rc.charge, rc.paid, rc.patient_resp, rc.filing_indicator, rc.payer_claim_number, rc.adjustments, rc.remarks, rc.outcome
			FROM remit_claim rc JOIN remittance r ON r.org_id = rc.org_id AND r.id = rc.remittance_id
			LEFT JOIN claim cl ON cl.org_id = rc.org_id AND cl.id = rc.claim_id
			WHERE rc.org_id = ? AND rc.id = ?`, a.OrgID, id).Scan(&p.ID, &p.RemittanceID, &p.PayerID, &p.PayerName, &p.Trace, &paidOn,
			&claimID, &patientID, &p.ControlNumber, &p.Status, &charge, &paid, &resp, &p.FilingIndicator, &p.PayerClaimNumber, &adjs, &remarks, &p.Outcome)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Claim payment", id)
		} else if err != nil {
			return err
		}
		p.ClaimID, p.PatientID = claimID.Int64, patientID.Int64
		p.Charge, p.Paid, p.PatientResponsibility = rcm.Money(charge), rcm.Money(paid), rcm.Money(resp)
		if p.PaidOn, err = parseDate(paidOn); err != nil {
			return err
		}
		if p.Adjustments, err = readAdj(adjs); err != nil {
			return err
		}
		p.Remarks = splitNonEmpty(remarks)
		rows, err := tx.QueryContext(ctx, `SELECT claim_line, code, modifiers, charge, paid, units, allowed, date_of_service, adjustments, remarks
			FROM remit_line WHERE org_id = ? AND remit_claim_id = ? ORDER BY seq`, a.OrgID, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l := &remit.LinePayment{}
			var claimLine int
			var mods, dos, ladj, lrem string
			var lcharge, lpaid int64
			var allowed sql.NullInt64
			if err := rows.Scan(&claimLine, &l.Code, &mods, &lcharge, &lpaid, &l.Units, &allowed, &dos, &ladj, &lrem); err != nil {
				return err
			}
			l.Modifiers = splitNonEmpty(mods)
			l.Charge, l.Paid = rcm.Money(lcharge), rcm.Money(lpaid)
			l.Allowed, l.HasAllowed = rcm.Money(allowed.Int64), allowed.Valid
			if l.DateOfService, err = parseDate(dos); err != nil {
				return err
			}
			if l.Adjustments, err = readAdj(ladj); err != nil {
				return err
			}
			l.Remarks = splitNonEmpty(lrem)
			p.Lines = append(p.Lines, l)
			p.ClaimLines = append(p.ClaimLines, claimLine)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "remit_claim", id, p.PatientID)
	})
	return p, err
}

func readAdj(s string) ([]rcm.Adjustment, error) {
	if s == "" {
		return nil, nil
	}
	var as []rcm.Adjustment
	err := json.Unmarshal([]byte(s), &as)
	return as, err
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// UnappliedControl is the claim number the exceptions queue shows for a
// paper check's unapplied money.
const UnappliedControl = "UNAPPLIED"

// holdUnapplied keeps a paper check's unapplied money where a biller sees
// it and applies it later: a claim payment of no claim after the check's
// claims, in the exceptions queue with its amount (the deposit journal's
// unapplied account holds the same money).
func (b *batchPoster) holdUnapplied(ctx context.Context, rem *remit.Remittance) error {
	if rem.Unapplied <= 0 {
		return nil
	}
	ids, err := b.tx.nextIDs(ctx, "remit_claim", 1)
	if err != nil {
		return err
	}
	reason := "Unapplied on check " + rem.Trace + ": " + rem.Unapplied.Dollars() + " received and applied to no claim; held as the payer's unapplied cash until applied."
	if err := b.insertRows(ctx, "remit_claim", `id, org_id, remittance_id, seq, claim_id, matched_by, control_number, status, charge, paid,
		patient_resp, filing_indicator, payer_claim_number, adjustments, remarks, outcome, claim_state, ledger_txn_id, reverses_id,
		secondary_claim_id, transferred`, [][]any{{ids[0], b.org, b.remID, rem.ClaimCount() + 1, nullID(0), "", UnappliedControl, "", int64(0), int64(rem.Unapplied),
		int64(0), "", "", "", "", remit.OutcomeException, "", sql.NullInt64{}, nullID(0), nullID(0), int64(0)}}); err != nil {
		return err
	}
	b.exceptions++
	return b.insertRows(ctx, "remit_exception", `org_id, remittance_id, remit_claim_id, reason, amount, created_at, resolved_at`,
		[][]any{{b.org, b.remID, ids[0], reason, int64(rem.Unapplied), formatTime(b.now), ""}})
}
