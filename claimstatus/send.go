package claimstatus

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/x12"
)

// Batch is one 276 file as stored before it leaves: a retry under the
// same key resends these bytes and never asks twice.
type Batch struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"-"`
	Key       string    `json:"key"`
	FileName  string    `json:"file_name"`
	Receiver  string    `json:"receiver"`
	Reference string    `json:"reference"`
	Content   []byte    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	Checks    []*Check  `json:"checks"`
}

// Check is one claim asked about, and the payer's answer once read.
type Check struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"-"`
	BatchID       int64     `json:"batch_id"`
	ClaimID       int64     `json:"claim_id"`
	PatientID     int64     `json:"patient_id"`
	PayerID       int64     `json:"payer_id"`
	ControlNumber string    `json:"control_number"`
	Trace         string    `json:"trace"`
	CreatedAt     time.Time `json:"created_at"`
	// The answer; AnsweredAt is zero until a 277 answers.
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	AnswerFile string    `json:"answer_file,omitempty"`
	Status     Status    `json:"status,omitzero"`
	Outcome    Outcome   `json:"outcome,omitempty"`
	Words      string    `json:"words,omitempty"`
	PayerClaim string    `json:"payer_claim,omitempty"`
}

// Store is what sending inquiries needs of storage.
type Store interface {
	ReserveControlNumbers(ctx context.Context, receiver string, n int) (int64, error)
	// FindClaimStatusBatch returns the batch stored under a key, or
	// ENOTFOUND.
	FindClaimStatusBatch(ctx context.Context, key string) (*Batch, error)
	// CreateClaimStatusBatch stores the batch and its checks in one
	// transaction; a key already used is ECONFLICT.
	CreateClaimStatusBatch(ctx context.Context, b *Batch) error
	MarkClaimStatusBatchSent(ctx context.Context, id int64) error
}

// Sender delivers a file to the clearinghouse (a clearinghouse.Transport).
type Sender interface {
	Send(ctx context.Context, name string, data []byte) error
}

// Send builds one 276 for the requests, stores it under key with a check
// per claim, and sends it. The same key again returns the stored batch:
// resent when it never left, untouched when it did (Repeated is then
// true). A request that cannot be built stores nothing.
func Send(ctx context.Context, st Store, send Sender, p eligibility.Partner, key string, reqs []*Request, now time.Time) (b *Batch, repeated bool, err error) {
	if key == "" || len(key) > 200 {
		return nil, false, rcm.FieldErrorf(rcm.EINVALID, "key", "An idempotency key of 1 to 200 characters is required.")
	}
	if b, err := st.FindClaimStatusBatch(ctx, key); err == nil {
		if !b.SentAt.IsZero() {
			return b, true, nil
		}
		return b, true, deliver(ctx, st, send, b)
	} else if rcm.ErrorCode(err) != rcm.ENOTFOUND {
		return nil, false, err
	}
	if len(reqs) == 0 {
		return nil, false, rcm.Errorf(rcm.EINVALID, "No claim needs a status inquiry.")
	}
	first, err := st.ReserveControlNumbers(ctx, p.ReceiverID, 3)
	if err != nil {
		return nil, false, err
	}
	in := &Inquiry{Partner: p, Reference: fmt.Sprintf("%09d", first), Time: now, Requests: reqs}
	b = &Batch{Key: key, Receiver: p.ReceiverID, Reference: in.Reference, FileName: fmt.Sprintf("276-%s-%09d.x12", p.ReceiverID, first)}
	for i, r := range reqs {
		// Control numbers are never reused for a receiver, so traces made
		// from them are unique.
		r.Trace = fmt.Sprintf("%09d-%d", first, i+1)
		b.Checks = append(b.Checks, &Check{ClaimID: r.Claim.ID, PatientID: r.Claim.PatientID, PayerID: r.Claim.PayerID,
			ControlNumber: r.Claim.ControlNumber, Trace: r.Trace})
	}
	var buf bytes.Buffer
	if err := Build276(&buf, in, &x12.Counter{N: first - 1}); err != nil {
		return nil, false, err
	}
	b.Content = buf.Bytes()
	if err := st.CreateClaimStatusBatch(ctx, b); err != nil {
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			// Another run stored the same key first: theirs stands.
			if prev, ferr := st.FindClaimStatusBatch(ctx, key); ferr == nil {
				return prev, true, nil
			}
		}
		return nil, false, err
	}
	return b, false, deliver(ctx, st, send, b)
}

func deliver(ctx context.Context, st Store, send Sender, b *Batch) error {
	if err := send.Send(ctx, b.FileName, b.Content); err != nil {
		return fmt.Errorf("send %s (stored; the same key sends it again): %w", b.FileName, err)
	}
	if err := st.MarkClaimStatusBatchSent(ctx, b.ID); err != nil {
		return err
	}
	b.SentAt = time.Now()
	return nil
}
