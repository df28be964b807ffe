package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openrcm/openrcm"
)

var _ rcm.SubmissionService = (*DB)(nil)

// ReserveControlNumbers takes n numbers for a receiver in their own
// transaction. ISA13 has nine digits; the sequence wraps to 1 past them,
// which the guide allows once the old interchanges are long acknowledged.
func (db *DB) ReserveControlNumbers(ctx context.Context, receiver string, n int) (int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return 0, err
	}
	if receiver == "" || n <= 0 || n > 100000 {
		return 0, rcm.Errorf(rcm.EINVALID, "Reserve 1 to 100,000 control numbers for a named receiver.")
	}
	var first int64
	err = db.Transact(ctx, func(tx *Tx) error {
		// Insert-if-absent, then lock: two first reservations at once both
		// end up waiting on the one row.
		if _, err := tx.ExecContext(ctx, `INSERT INTO x12_control (org_id, receiver, last) VALUES (?, ?, 0) ON CONFLICT DO NOTHING`, a.OrgID, receiver); err != nil {
			return mapError(err)
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT last FROM x12_control WHERE org_id = ? AND receiver = ?`+tx.forUpdate(), a.OrgID, receiver).Scan(&last); err != nil {
			return err
		}
		if last+int64(n) > 999999999 {
			last = 0
		}
		first = last + 1
		_, err := tx.ExecContext(ctx, `UPDATE x12_control SET last = ? WHERE org_id = ? AND receiver = ?`, last+int64(n), a.OrgID, receiver)
		return err
	})
	return first, err
}

const submissionCols = `id, org_id, payer_id, receiver, key, file_name, control, content, state, created_at, sent_at, sealed_key`

// scanSubmission reads a submission and opens its sealed 837P file.
func (db *DB) scanSubmission(s scanner) (*rcm.Submission, error) {
	sub := &rcm.Submission{}
	var content, created, sent, key string
	if err := s.Scan(&sub.ID, &sub.OrgID, &sub.PayerID, &sub.Receiver, &sub.Key, &sub.FileName, &sub.Control, &content, &sub.State, &created, &sent, &key); err != nil {
		return nil, err
	}
	content, err := db.openValue("submission", "content", sub.OrgID, sub.ID, key, content)
	if err != nil {
		return nil, err
	}
	sub.Content = []byte(content)
	if sub.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	sub.SentAt, err = parseTime(sent)
	return sub, err
}

func (tx *Tx) loadSubmissionClaims(ctx context.Context, sub *rcm.Submission) error {
	var err error
	sub.ClaimIDs, err = queryAll(ctx, tx, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, `SELECT claim_id FROM submission_claim WHERE org_id = ? AND submission_id = ? ORDER BY claim_id`, sub.OrgID, sub.ID)
	return err
}

// FindSubmissionByKey returns the submission under an idempotency key.
func (db *DB) FindSubmissionByKey(ctx context.Context, key string) (*rcm.Submission, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var sub *rcm.Submission
	err = db.Transact(ctx, func(tx *Tx) error {
		sub, err = tx.db.scanSubmission(tx.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM submission WHERE org_id = ? AND key = ?`, a.OrgID, key))
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "No submission with key %q.", key)
		} else if err != nil {
			return err
		}
		return tx.loadSubmissionClaims(ctx, sub)
	})
	return sub, err
}

// CreateSubmission stores the batch and moves its claims to submitted.
func (db *DB) CreateSubmission(ctx context.Context, sub *rcm.Submission) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	switch {
	case sub.Key == "" || len(sub.Key) > 200:
		return rcm.FieldErrorf(rcm.EINVALID, "key", "An idempotency key of 1 to 200 characters is required.")
	case len(sub.ClaimIDs) == 0:
		return rcm.FieldErrorf(rcm.EINVALID, "claim_ids", "A submission carries at least one claim.")
	case len(sub.Content) == 0 || sub.FileName == "":
		return rcm.Errorf(rcm.EINVALID, "A submission needs its file name and content.")
	}
	sub.OrgID, sub.State = a.OrgID, rcm.SubmissionPending
	return db.Transact(ctx, func(tx *Tx) error {
		sub.CreatedAt = tx.Now()
		// The file is sealed bound to the row's id, so it follows the
		// insert in the same transaction.
		id, err := tx.insert(ctx, `INSERT INTO submission (org_id, payer_id, receiver, key, file_name, control, content, state, created_at, sent_at)
			VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, '')`,
			a.OrgID, sub.PayerID, sub.Receiver, sub.Key, sub.FileName, sub.Control, sub.State, formatTime(sub.CreatedAt))
		if err != nil {
			return err
		}
		sub.ID = id
		sealed, err := db.sealRow(submissionSealed, a.OrgID, id, []string{string(sub.Content)})
		if err != nil {
			return err
		}
		if err := tx.writeSealed(ctx, submissionSealed, a.OrgID, id, sealed); err != nil {
			return err
		}
		for _, cid := range sub.ClaimIDs {
			var state string
			var payer int64
			err := tx.QueryRowContext(ctx, `SELECT state, payer_id FROM claim WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, cid).Scan(&state, &payer)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("Claim", cid)
			} else if err != nil {
				return err
			}
			if payer != sub.PayerID {
				return rcm.Errorf(rcm.EINVALID, "Claim %d is to another payer than this batch.", cid)
			}
			if state != rcm.ClaimReady {
				return rcm.Errorf(rcm.ECONFLICT, "Claim %d is %s, not ready: it may already have gone out.", cid, state)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO submission_claim (org_id, submission_id, claim_id) VALUES (?, ?, ?)`, a.OrgID, id, cid); err != nil {
				return mapError(err)
			}
			if err := tx.moveClaim(ctx, a, cid, rcm.ClaimSubmitted, fmt.Sprintf("sent in %s (interchange %09d)", sub.FileName, sub.Control)); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkSubmissionSent records that the file reached the clearinghouse.
func (db *DB) MarkSubmissionSent(ctx context.Context, id int64) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		return tx.updateOne(ctx, "Submission", id, `UPDATE submission SET state = ?, sent_at = ? WHERE org_id = ? AND id = ?`,
			rcm.SubmissionSent, formatTime(tx.Now()), a.OrgID, id)
	})
}

// FindSubmissions lists submissions in a state ("" for all), newest first.
func (db *DB) FindSubmissions(ctx context.Context, state string) ([]*rcm.Submission, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var out []*rcm.Submission
	err = db.Transact(ctx, func(tx *Tx) error {
		q := `SELECT ` + submissionCols + ` FROM submission WHERE org_id = ?`
		args := []any{a.OrgID}
		if state != "" {
			q += ` AND state = ?`
			args = append(args, state)
		}
		var err error
		if out, err = queryAll(ctx, tx, tx.db.scanSubmission, q+` ORDER BY id DESC`, args...); err != nil {
			return err
		}
		for _, s := range out {
			if err := tx.loadSubmissionClaims(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FindSubmissionByControl returns the submission with an interchange
// control number to a receiver.
func (db *DB) FindSubmissionByControl(ctx context.Context, receiver string, control int64) (*rcm.Submission, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var sub *rcm.Submission
	err = db.Transact(ctx, func(tx *Tx) error {
		sub, err = tx.db.scanSubmission(tx.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM submission WHERE org_id = ? AND receiver = ? AND control = ?`, a.OrgID, receiver, control))
		if errors.Is(err, sql.ErrNoRows) {
			return rcm.Errorf(rcm.ENOTFOUND, "No submission to %s with interchange control number %09d.", receiver, control)
		} else if err != nil {
			return err
		}
		return tx.loadSubmissionClaims(ctx, sub)
	})
	return sub, err
}
