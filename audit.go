package rcm

import (
	"context"
	"time"
)

// Audit actions.
const (
	AuditRead   = "read"
	AuditCreate = "create"
	AuditUpdate = "update"
)

// DefaultAuditReason is the purpose recorded for a read or change whose
// caller gives none: routine treatment, payment or operations, as HIPAA
// names the uses that need no further authorization.
const DefaultAuditReason = "treatment-payment-operations"

// AuditEvent is one row of the append-only audit log: who read or changed
// which patient's data, when and why. An organization's log is several hash
// chains (shards, chosen by patient), so writes about different patients do
// not wait on each other; each event stores the hash of the one before it
// in its chain, so a deleted, added, altered or reordered row breaks that
// chain and VerifyAuditChain finds it.
type AuditEvent struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"-"`
	// Shard is the event's chain and Seq its place in that chain (1, 2, ...).
	Shard     int       `json:"shard"`
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	UserID    int64     `json:"user_id"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entity_id"`
	PatientID int64     `json:"patient_id"`
	// PatientIDs are the patients a list read showed, in ascending order:
	// one event records the whole list, and each id is part of the hash.
	PatientIDs []int64 `json:"patient_ids,omitempty"`
	Reason     string  `json:"reason"`
	PrevHash   string  `json:"prev_hash"`
	Hash       string  `json:"hash"`
}

// AuditFilter narrows FindAuditEvents.
type AuditFilter struct {
	// PatientID finds the events about one patient: those that name it as
	// their patient and the list reads that showed it among others.
	PatientID int64
	Limit     int
	Offset    int
}

// AuditService reads the audit log. Writing happens inside the stores, in
// the same transaction as the read or change it records.
type AuditService interface {
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
	// VerifyAuditChain recomputes the organization's hash chain and returns
	// the number of events checked, or an error naming the first broken one.
	VerifyAuditChain(ctx context.Context) (int, error)
}
