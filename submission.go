package rcm

import (
	"context"
	"time"
)

// Submission states: a batch file is stored (with its control numbers and
// claims) before it leaves, then marked sent once the clearinghouse has it.
const (
	SubmissionPending = "pending"
	SubmissionSent    = "sent"
)

// Submission is one 837P batch file: which claims it carries, under which
// control numbers, to which receiver. The stored Content is exactly what was
// (or will be) sent, so a retry resends the same bytes and never builds a
// second file with the same claims.
type Submission struct {
	ID      int64 `json:"id"`
	OrgID   int64 `json:"-"`
	PayerID int64 `json:"payer_id"`
	// Receiver is the trading partner's interchange ID (ISA08): control
	// numbers are unique per receiver.
	Receiver string `json:"receiver"`
	// Key is the caller's idempotency key: the same key always names the
	// same submission.
	Key       string    `json:"key"`
	FileName  string    `json:"file_name"`
	Control   int64     `json:"control"` // ISA13
	ClaimIDs  []int64   `json:"claim_ids"`
	Content   []byte    `json:"-"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// SubmissionService stores batch files and hands out control numbers.
type SubmissionService interface {
	// ReserveControlNumbers takes n consecutive numbers for a receiver and
	// returns the first; they are committed before the caller uses them, so
	// no number is ever used twice, even after a crash.
	ReserveControlNumbers(ctx context.Context, receiver string, n int) (int64, error)
	// FindSubmissionByKey returns the submission stored under an
	// idempotency key, or ENOTFOUND.
	FindSubmissionByKey(ctx context.Context, key string) (*Submission, error)
	// CreateSubmission stores a batch and moves its claims from ready to
	// submitted in one transaction; a claim that is no longer ready fails
	// the whole submission with ECONFLICT.
	CreateSubmission(ctx context.Context, s *Submission) error
	// MarkSubmissionSent records that the clearinghouse has the file.
	MarkSubmissionSent(ctx context.Context, id int64) error
	FindSubmissions(ctx context.Context, state string) ([]*Submission, error)
	// FindSubmissionByControl returns the submission sent to a receiver
	// under an interchange control number (ISA13), which acknowledgements
	// name.
	FindSubmissionByControl(ctx context.Context, receiver string, control int64) (*Submission, error)
}
