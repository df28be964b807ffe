package codingaudit

import (
	"context"
	"time"
)

// Attempt is one learner's try at a practice case: the codes given and
// their score against the answer key (its counts; the differences are
// scored again from the codes when shown).
type Attempt struct {
	ID     int64     `json:"id"`
	UserID int64     `json:"-"`
	CaseID string    `json:"case"`
	Coding Coding    `json:"codes"`
	Score  Score     `json:"score"`
	At     time.Time `json:"at"`
}

// PracticeStore keeps learners' attempts. Practice cases are synthetic:
// no patient's data is read, so nothing here is audited as PHI.
type PracticeStore interface {
	CreatePracticeAttempt(ctx context.Context, a *Attempt) error
	// FindPracticeAttempts lists the actor's own attempts, oldest first.
	FindPracticeAttempts(ctx context.Context) ([]*Attempt, error)
}
