package eligibility

import (
	"fmt"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
)

// Check is an inquiry as OpenRCM stores it before the 270 leaves: which
// coverage was asked about, under which trace number, so that a 271
// arriving later (or twice) finds its coverage.
type Check struct {
	ID         int64 `json:"id"`
	OrgID      int64 `json:"-"`
	CoverageID int64 `json:"coverage_id"`
	PatientID  int64 `json:"patient_id"`
	PayerID    int64 `json:"payer_id"`
	// Trace is TRN02, assigned by the store from the organization's own
	// sequence; Originator (TRN03) says whose sequence it is.
	Trace      string `json:"trace"`
	Originator string `json:"originator"`
	// Reference is the BHT03 of the 270 the check went out in.
	Reference     string    `json:"reference"`
	ServiceTypes  []string  `json:"service_types"`
	DateOfService rcm.Date  `json:"date_of_service,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
}

// Record is an answer stored on a coverage: the latest one is the
// coverage's eligibility, the earlier ones its history.
type Record struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"-"`
	CheckID    int64  `json:"check_id"`
	CoverageID int64  `json:"coverage_id"`
	PatientID  int64  `json:"patient_id"`
	Trace      string `json:"trace"`
	// CheckedOn is the day the answer was received: what the front desk
	// means by "eligibility checked on".
	CheckedOn  rcm.Date  `json:"checked_on"`
	ReceivedAt time.Time `json:"received_at"`
	Status     Status    `json:"status"`
	Summary    string    `json:"summary"`
	Result     *Result   `json:"result"`
	// Repeated reports that the answer had been stored before (the same
	// 271 read again), so nothing new was stored.
	Repeated bool `json:"-"`
}

// Originator returns the TRN03 of an organization's inquiries: "9" and
// the organization's number in nine digits, an identifier of the sender's
// choosing as 005010X279A1 2000C TRN03 allows. It lets a 271 be routed to
// its organization before any trace is looked up.
func Originator(orgID int64) string { return fmt.Sprintf("9%09d", orgID) }

// OrgOfOriginator reverses Originator; ok is false for a TRN03 that is not
// one of OpenRCM's.
func OrgOfOriginator(s string) (int64, bool) {
	if len(s) != 10 || s[0] != '9' || !digits(s[1:]) {
		return 0, false
	}
	n, err := strconv.ParseInt(s[1:], 10, 64)
	return n, err == nil && n > 0
}
