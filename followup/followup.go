// Package followup is the A/R desk: the claims that did not resolve by
// themselves. A denied line, a claim the payer has no record of or a claim
// the payer wants something for becomes a work item with a root-cause
// category, deadlines counted from the payer's answer, an owner, a
// follow-up date, an activity log and, in the end, an outcome. An appeal
// carries a letter built from the claim's facts. Storage is reached only
// through the Store interface; the command line, the API and the workbench
// all go through the functions here.
package followup

import (
	"time"

	"github.com/openrcm/openrcm"
)

// Kinds of work item.
const (
	KindDenial       = "denial"
	KindUnderpayment = "underpayment"
	KindStatus       = "status" // a status answer that needs a person (not on file, returned, information requested)
)

// Item states and outcomes.
const (
	Open   = "open"
	Closed = "closed"

	OutcomeResubmitted = "corrected_resubmitted"
	OutcomeAppealed    = "appealed"
	OutcomeWrittenOff  = "written_off"
	OutcomePatientBill = "patient_billed"
	OutcomeResolved    = "resolved" // the money it was about came in
)

// Item is one work item on the follow-up desk.
type Item struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"-"`
	ClaimID   int64  `json:"claim_id"`
	PatientID int64  `json:"patient_id"`
	PayerID   int64  `json:"payer_id"`
	LineCode  string `json:"line_code,omitempty"`
	Kind      string `json:"kind"`
	// Category is the root cause (see Categories), from the rule in
	// CategoryRules the reasons matched.
	Category string `json:"category"`
	Reasons  string `json:"reasons,omitempty"`
	Summary  string `json:"summary"`
	// Stake is what is at stake, in cents.
	Stake    rcm.Money `json:"stake"`
	OpenedOn rcm.Date  `json:"opened_on"`
	// AppealBy and FilingBy are the payer's appeal and timely-filing
	// limits counted from OpenedOn (the 835's or 277's date); Due is the
	// earlier of the two, which the queue sorts by.
	AppealBy rcm.Date `json:"appeal_by,omitzero"`
	FilingBy rcm.Date `json:"filing_by,omitzero"`
	Due      rcm.Date `json:"due,omitzero"`
	OwnerID  int64    `json:"owner_id,omitempty"`
	FollowUp rcm.Date `json:"follow_up,omitzero"`
	// DueNow is set by the scheduled reminder when the follow-up date or
	// the deadline has come: the item leads its owner's queue until a new
	// follow-up date is set.
	DueNow  bool   `json:"due_now,omitempty"`
	State   string `json:"state"`
	Outcome string `json:"outcome,omitempty"`
	// Source names what opened the item, unique per claim, so reading the
	// same answer twice never opens a second item.
	Source   string    `json:"-"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// WrittenOff is what closing the item as written off took off the
	// claim's open insurance balance in the ledger, for WriteOffReason
	// (one of rcm.WriteOffReasons).
	WrittenOff     rcm.Money `json:"written_off,omitempty"`
	WriteOffReason string    `json:"write_off_reason,omitempty"`

	// Filled in for lists and screens: the user's words.
	ControlNumber string `json:"control_number,omitempty"`
	PatientName   string `json:"patient_name,omitempty"`
	AccountNumber string `json:"account_number,omitempty"`
	PayerName     string `json:"payer_name,omitempty"`
	OwnerName     string `json:"owner_name,omitempty"`
	Notes         []Note `json:"notes,omitempty"`
}

// Closing is how a work item ends: its outcome, a note and, for the
// outcome written off, what is written off. The write-off posts to the
// ledger in the same transaction as the close.
type Closing struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note,omitempty"`
	// Amount is what to write off of the claim's open insurance balance
	// with the item's payer, at most that balance; zero writes off all of
	// it. Written off only.
	Amount rcm.Money `json:"amount,omitempty"`
	// Reason is the write-off's reason, one of rcm.WriteOffReasons: it is
	// the reason of the ledger's write-off (group WO). Written off only.
	Reason string `json:"reason,omitempty"`
}

// Note is one entry of an item's activity log.
type Note struct {
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id"`
	User   string    `json:"user,omitempty"`
	Action string    `json:"action"`
	Note   string    `json:"note"`
}

// Appeal levels.
const (
	LevelFirst    = "first"
	LevelSecond   = "second"
	LevelExternal = "external"
)

// Appeal is a request to the payer to reconsider a denied claim.
type Appeal struct {
	ID        int64    `json:"id"`
	OrgID     int64    `json:"-"`
	ClaimID   int64    `json:"claim_id"`
	ItemID    int64    `json:"item_id,omitempty"`
	Level     string   `json:"level"`
	Reason    string   `json:"reason"`
	Argument  string   `json:"argument"`
	Documents []string `json:"documents,omitempty"`
	// PayerAddress is where the payer takes appeals, a line each.
	PayerAddress []string `json:"payer_address,omitempty"`
	SentOn       rcm.Date `json:"sent_on"`
	// AnswerBy is when the payer's answer is due.
	AnswerBy  rcm.Date  `json:"answer_by"`
	State     string    `json:"state"` // open, overturned, upheld
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}
