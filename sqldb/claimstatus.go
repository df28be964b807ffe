package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/followup"
)

// Claim status inquiries (276) and answers (277) name patients: every
// store and read below is audited in its transaction, and the 276 file is
// sealed like an 837P.

var claimStatusSealed = sealedTable{name: "claim_status_batch", columns: []string{"content"}, batch: 10}

func init() { sealedTables = append(sealedTables, claimStatusSealed) }

const claimStatusBatchCols = `id, org_id, idem_key, file_name, receiver, reference, content, created_at, sent_at, sealed_key`

func (db *DB) scanClaimStatusBatch(s scanner) (*claimstatus.Batch, error) {
	b := &claimstatus.Batch{}
	var content, created, sent, key string
	if err := s.Scan(&b.ID, &b.OrgID, &b.Key, &b.FileName, &b.Receiver, &b.Reference, &content, &created, &sent, &key); err != nil {
		return nil, err
	}
	content, err := db.openValue("claim_status_batch", "content", b.OrgID, b.ID, key, content)
	if err != nil {
		return nil, err
	}
	b.Content = []byte(content)
	if b.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	b.SentAt, err = parseTime(sent)
	return b, err
}

const claimStatusCheckCols = `k.id, k.org_id, k.batch_id, k.claim_id, k.patient_id, k.payer_id, c.control_number, k.trace, k.created_at, k.answered_at,
	k.answer_file, k.category, k.code, k.entity, k.outcome, k.words, k.payer_claim, k.status_date, k.adjudicated, k.check_date, k.check_number, k.paid`

func scanClaimStatusCheck(s scanner) (*claimstatus.Check, error) {
	k := &claimstatus.Check{}
	var created, answered, outcome, stDate, adj, chk string
	if err := s.Scan(&k.ID, &k.OrgID, &k.BatchID, &k.ClaimID, &k.PatientID, &k.PayerID, &k.ControlNumber, &k.Trace, &created, &answered,
		&k.AnswerFile, &k.Status.Category, &k.Status.Code, &k.Status.Entity, &outcome, &k.Words, &k.PayerClaim, &stDate, &adj, &chk,
		&k.Status.CheckNumber, &k.Status.Paid); err != nil {
		return nil, err
	}
	k.Outcome = claimstatus.Outcome(outcome)
	var err error
	if k.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if k.AnsweredAt, err = parseTime(answered); err != nil {
		return nil, err
	}
	for _, d := range []struct {
		s string
		d *rcm.Date
	}{{stDate, &k.Status.Effective}, {adj, &k.Status.Adjudicated}, {chk, &k.Status.CheckDate}} {
		if *d.d, err = parseDate(d.s); err != nil {
			return nil, err
		}
	}
	return k, nil
}

const claimStatusCheckFrom = ` FROM claim_status_check k JOIN claim c ON c.org_id = k.org_id AND c.id = k.claim_id`

// FindClaimStatusBatch returns the 276 stored under an idempotency key.
func (db *DB) FindClaimStatusBatch(ctx context.Context, key string) (*claimstatus.Batch, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var b *claimstatus.Batch
	err = db.Transact(ctx, func(tx *Tx) error {
		b, err = db.scanClaimStatusBatch(tx.QueryRowContext(ctx, `SELECT `+claimStatusBatchCols+` FROM claim_status_batch WHERE org_id = ? AND idem_key = ?`, a.OrgID, key))
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "No claim status inquiry was stored under key %q.", key)
		} else if err != nil {
			return err
		}
		if b.Checks, err = queryAll(ctx, tx, scanClaimStatusCheck, `SELECT `+claimStatusCheckCols+claimStatusCheckFrom+` WHERE k.org_id = ? AND k.batch_id = ? ORDER BY k.id`, a.OrgID, b.ID); err != nil {
			return err
		}
		return tx.auditList(ctx, a, "claim_status_batch", b.ID, checkPatients(b.Checks))
	})
	return b, err
}

func checkPatients(ks []*claimstatus.Check) []int64 {
	out := make([]int64, len(ks))
	for i, k := range ks {
		out[i] = k.PatientID
	}
	return out
}

// CreateClaimStatusBatch stores a 276 and a check per claim, all or none.
// A key used before is ECONFLICT; a claim of another organization is
// ENOTFOUND.
func (db *DB) CreateClaimStatusBatch(ctx context.Context, b *claimstatus.Batch) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	switch {
	case b.Key == "" || len(b.Key) > 200:
		return rcm.FieldErrorf(rcm.EINVALID, "key", "An idempotency key of 1 to 200 characters is required.")
	case len(b.Checks) == 0 || len(b.Checks) > 10000:
		return rcm.Errorf(rcm.EINVALID, "A claim status inquiry asks about 1 to 10,000 claims.")
	case len(b.Content) == 0 || b.FileName == "":
		return rcm.Errorf(rcm.EINVALID, "A claim status inquiry needs its file name and content.")
	}
	b.OrgID = a.OrgID
	return db.Transact(ctx, func(tx *Tx) error {
		b.CreatedAt = tx.Now()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM claim_status_batch WHERE org_id = ? AND idem_key = ?`, a.OrgID, b.Key).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return rcm.Errorf(rcm.ECONFLICT, "A claim status inquiry was already stored under key %q.", b.Key)
		}
		id, err := tx.insert(ctx, `INSERT INTO claim_status_batch (org_id, idem_key, file_name, receiver, reference, content, created_at, sent_at)
			VALUES (?, ?, ?, ?, ?, '', ?, '')`, a.OrgID, b.Key, b.FileName, b.Receiver, b.Reference, formatTime(b.CreatedAt))
		if err != nil {
			return err
		}
		b.ID = id
		sealed, err := db.sealRow(claimStatusSealed, a.OrgID, id, []string{string(b.Content)})
		if err != nil {
			return err
		}
		if err := tx.writeSealed(ctx, claimStatusSealed, a.OrgID, id, sealed); err != nil {
			return err
		}
		for _, k := range b.Checks {
			err := tx.QueryRowContext(ctx, `SELECT patient_id, payer_id, control_number FROM claim WHERE org_id = ? AND id = ?`, a.OrgID, k.ClaimID).
				Scan(&k.PatientID, &k.PayerID, &k.ControlNumber)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("Claim", k.ClaimID)
			} else if err != nil {
				return err
			}
			k.OrgID, k.BatchID, k.CreatedAt = a.OrgID, id, b.CreatedAt
			k.ID, err = tx.insert(ctx, `INSERT INTO claim_status_check (org_id, batch_id, claim_id, patient_id, payer_id, trace, created_at, answered_at,
				answer_file, category, code, entity, outcome, words, payer_claim, status_date, adjudicated, check_date, check_number, paid)
				VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', '', '', '', '', '', '', '', 0)`,
				a.OrgID, id, k.ClaimID, k.PatientID, k.PayerID, k.Trace, formatTime(b.CreatedAt))
			if err != nil {
				return err
			}
		}
		return tx.auditList(ctx, a, "claim_status_batch", id, checkPatients(b.Checks))
	})
}

// MarkClaimStatusBatchSent records that the clearinghouse has the 276.
func (db *DB) MarkClaimStatusBatchSent(ctx context.Context, id int64) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE claim_status_batch SET sent_at = ? WHERE org_id = ? AND id = ? AND sent_at = ''`, formatTime(tx.Now()), a.OrgID, id)
		return err
	})
}

// FindClaimsAwaitingStatus returns the claims with no final answer from
// the payer (submitted or accepted) that went out on or before cutoff and
// have no status inquiry still waiting for its answer; with ids, only
// those claims (still without a final answer).
func (db *DB) FindClaimsAwaitingStatus(ctx context.Context, cutoff time.Time, ids []int64) ([]*rcm.Claim, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + claimCols + ` FROM claim WHERE org_id = ? AND state IN ('submitted', 'accepted')
		AND NOT EXISTS (SELECT 1 FROM claim_status_check k WHERE k.org_id = claim.org_id AND k.claim_id = claim.id AND k.answered_at = '')`
	args := []any{a.OrgID}
	if len(ids) > 0 {
		q += ` AND id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	} else {
		q += ` AND EXISTS (SELECT 1 FROM claim_event e WHERE e.org_id = claim.org_id AND e.claim_id = claim.id AND e.to_state = 'submitted' AND e.at <= ?)`
		args = append(args, formatTime(cutoff))
	}
	q += ` ORDER BY id LIMIT 10000`
	var out []*rcm.Claim
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, scanClaim, q, args...); err != nil {
			return err
		}
		patients := make([]int64, len(out))
		for i, c := range out {
			if err := tx.loadClaimDetail(ctx, c); err != nil {
				return err
			}
			c.History = nil
			patients[i] = c.PatientID
		}
		return tx.auditList(ctx, a, "claims", 0, patients)
	})
	return out, err
}

// FindClaimStatusChecks returns a claim's status inquiries and answers,
// oldest first: its status history.
func (db *DB) FindClaimStatusChecks(ctx context.Context, claimID int64) ([]*claimstatus.Check, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*claimstatus.Check
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, scanClaimStatusCheck, `SELECT `+claimStatusCheckCols+claimStatusCheckFrom+` WHERE k.org_id = ? AND k.claim_id = ? ORDER BY k.id`, a.OrgID, claimID); err != nil {
			return err
		}
		return tx.auditList(ctx, a, "claim_status_check", claimID, checkPatients(out))
	})
	return out, err
}

// RecordClaimStatus stores the answers of one 277 on the checks they
// answer (by trace number) and moves each claim: a claim the payer has
// received or is adjudicating becomes accepted; one the payer cannot find,
// returned, or wants information for gets a follow-up work item; paid and
// denied wait for the 835, which carries the money. All answers or none:
// an answer naming a trace this organization never sent (EINVALID) or one
// already answered (ECONFLICT, the same 277 read twice) changes nothing.
func (db *DB) RecordClaimStatus(ctx context.Context, file string, answers []claimstatus.Answer, codes *claimstatus.Codes) ([]*claimstatus.Check, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if len(answers) == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "The 277 holds no claim status answer.")
	}
	if codes == nil {
		codes = claimstatus.Starter()
	}
	var out []*claimstatus.Check
	err = db.Transact(ctx, func(tx *Tx) error {
		out = nil
		seen := map[string]bool{}
		for i := range answers {
			ans := &answers[i]
			if seen[ans.Trace] {
				return rcm.Errorf(rcm.ECONFLICT, "The 277 answers trace %s twice; nothing of it was stored.", ans.Trace)
			}
			seen[ans.Trace] = true
			k, err := scanClaimStatusCheck(tx.QueryRowContext(ctx, `SELECT `+claimStatusCheckCols+claimStatusCheckFrom+` WHERE k.org_id = ? AND k.trace = ?`+tx.forUpdate(), a.OrgID, ans.Trace))
			if errors.Is(err, sql.ErrNoRows) {
				return rcm.Errorf(rcm.EINVALID, "The 277 answers trace %s (claim %s), which no status inquiry of this organization asked; nothing of it was stored.", ans.Trace, orDash(ans.ControlNumber))
			} else if err != nil {
				return err
			}
			if !k.AnsweredAt.IsZero() {
				return rcm.Errorf(rcm.ECONFLICT, "Claim %s's status inquiry (trace %s) was answered already by %s; this 277 was not stored again.", k.ControlNumber, k.Trace, k.AnswerFile)
			}
			if ans.ControlNumber != "" && ans.ControlNumber != k.ControlNumber {
				return rcm.Errorf(rcm.EINVALID, "The 277's answer for trace %s names claim %s, but that inquiry asked about claim %s; nothing of it was stored.", ans.Trace, ans.ControlNumber, k.ControlNumber)
			}
			st := ans.Statuses[0]
			k.Status, k.Outcome, k.Words, k.PayerClaim, k.AnswerFile = st, ans.Outcome(), codes.Words(st), ans.PayerClaim, file
			k.AnsweredAt = tx.Now()
			if _, err := tx.ExecContext(ctx, `UPDATE claim_status_check SET answered_at = ?, answer_file = ?, category = ?, code = ?, entity = ?, outcome = ?, words = ?,
				payer_claim = ?, status_date = ?, adjudicated = ?, check_date = ?, check_number = ?, paid = ? WHERE org_id = ? AND id = ?`,
				formatTime(k.AnsweredAt), file, st.Category, st.Code, st.Entity, string(k.Outcome), k.Words, k.PayerClaim, formatDate(st.Effective),
				formatDate(st.Adjudicated), formatDate(st.CheckDate), st.CheckNumber, st.Paid, a.OrgID, k.ID); err != nil {
				return err
			}
			if err := tx.applyStatus(ctx, a, k); err != nil {
				return err
			}
			if err := tx.audit(ctx, a, rcm.AuditUpdate, "claim_status_check", k.ID, k.PatientID); err != nil {
				return err
			}
			out = append(out, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// applyStatus moves the claim an answer is about.
func (tx *Tx) applyStatus(ctx context.Context, a rcm.Actor, k *claimstatus.Check) error {
	var state, payerClaim string
	if err := tx.QueryRowContext(ctx, `SELECT state, payer_claim_number FROM claim WHERE org_id = ? AND id = ?`, a.OrgID, k.ClaimID).Scan(&state, &payerClaim); err != nil {
		return err
	}
	if payerClaim == "" && k.PayerClaim != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE claim SET payer_claim_number = ? WHERE org_id = ? AND id = ?`, k.PayerClaim, a.OrgID, k.ClaimID); err != nil {
			return err
		}
	}
	reason := "277 claim status: " + k.Words
	switch {
	case (k.Outcome == claimstatus.OutcomeReceived || k.Outcome == claimstatus.OutcomePending) && state == rcm.ClaimSubmitted:
		return tx.moveClaim(ctx, a, k.ClaimID, rcm.ClaimAccepted, reason)
	case k.Outcome.NeedsWork() && k.Outcome != claimstatus.OutcomeDenied:
		today := rcm.DateOf(tx.Now())
		summary := map[claimstatus.Outcome]string{
			claimstatus.OutcomeNotFound:      "The payer has no record of this claim: check the submission and send it again.",
			claimstatus.OutcomeRejected:      "The payer returned the claim unprocessed: correct it and send it again.",
			claimstatus.OutcomeInfoRequested: "The payer asks for information before it can finish the claim.",
		}[k.Outcome]
		it := &followup.Item{ClaimID: k.ClaimID, Kind: followup.KindStatus, Category: statusCategory(k.Outcome), Reasons: k.Status.Category + ":" + k.Status.Code,
			Summary: summary + " (" + k.Words + ")", OpenedOn: today, Source: "277:" + k.Trace}
		return tx.openItem(ctx, a, it)
	}
	// Paid, denied, finalized: the 835 brings the money and moves the
	// claim; the answer stays in the claim's status history.
	return tx.addClaimEvent(ctx, a.OrgID, k.ClaimID, rcm.ClaimEvent{At: tx.Now(), UserID: a.UserID, From: state, To: state, Reason: reason})
}

func statusCategory(o claimstatus.Outcome) string {
	switch o {
	case claimstatus.OutcomeNotFound:
		return "not_on_file"
	case claimstatus.OutcomeInfoRequested:
		return "missing_information"
	}
	return "rejected"
}
