package claimstatus

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Outcome is what a claim status answer means for the claim's follow-up.
type Outcome string

// Outcomes of a status answer, from its category (STC01-1).
const (
	OutcomeReceived      Outcome = "received"       // A0, A1, A2, A5: the payer has it
	OutcomePending       Outcome = "pending"        // P0-P5: in adjudication
	OutcomePaid          Outcome = "paid"           // F1: finalized with payment
	OutcomeDenied        Outcome = "denied"         // F2: finalized, denied
	OutcomeFinalized     Outcome = "finalized"      // F0, F3, F4: adjudication complete
	OutcomeNotFound      Outcome = "not_found"      // A4, D0: the payer has no such claim
	OutcomeRejected      Outcome = "rejected"       // A3, A6, A7, A8: returned unprocessed
	OutcomeInfoRequested Outcome = "info_requested" // R0-R16: the payer wants something
	OutcomeError         Outcome = "error"          // E0-E4: ask again or fix the request
	OutcomeUnknown       Outcome = "unknown"
)

// OutcomeOf classifies one status by its category code.
func OutcomeOf(s Status) Outcome {
	c := s.Category
	switch {
	case c == "A4" || c == "D0":
		return OutcomeNotFound
	case c == "A3" || c == "A6" || c == "A7" || c == "A8":
		return OutcomeRejected
	case strings.HasPrefix(c, "A"):
		return OutcomeReceived
	case strings.HasPrefix(c, "P"):
		return OutcomePending
	case c == "F1":
		return OutcomePaid
	case c == "F2":
		return OutcomeDenied
	case strings.HasPrefix(c, "F"):
		return OutcomeFinalized
	case strings.HasPrefix(c, "R"):
		return OutcomeInfoRequested
	case strings.HasPrefix(c, "E"):
		return OutcomeError
	}
	return OutcomeUnknown
}

// Final reports whether the outcome ends the payer's processing, so no
// further status inquiry is needed.
func (o Outcome) Final() bool {
	return o == OutcomePaid || o == OutcomeDenied || o == OutcomeFinalized
}

// NeedsWork reports whether the outcome puts the claim on the follow-up
// desk: the payer has no record of it, returned it, wants something, or
// denied it.
func (o Outcome) NeedsWork() bool {
	return o == OutcomeNotFound || o == OutcomeRejected || o == OutcomeInfoRequested || o == OutcomeDenied
}

// Codes holds descriptions of the claim status category codes (code
// source 507) and claim status codes (508). The published lists are read
// with ParseCodes; the starter meanings below, written for OpenRCM, cover
// the codes the sandbox and most payers send, so a status always reads in
// words.
type Codes struct {
	Categories map[string]string
	Statuses   map[string]string
}

// Starter returns the built-in plain-language meanings.
func Starter() *Codes {
	return &Codes{Categories: starterCategories, Statuses: starterStatuses}
}

var starterCategories = map[string]string{
	"A0": "Forwarded: the claim was sent on to another entity",
	"A1": "Received: the payer has the claim, not yet accepted for adjudication",
	"A2": "Accepted: the claim is in the payer's adjudication system",
	"A3": "Returned as unprocessable: rejected before adjudication",
	"A4": "Not found: the payer cannot find the claim",
	"A5": "Split: the payer split the claim on acceptance",
	"A6": "Rejected for missing information",
	"A7": "Rejected for invalid information",
	"A8": "Rejected for a relational field in error",
	"P0": "Pending: adjudication details",
	"P1": "Pending: in process",
	"P2": "Pending: payer review",
	"P3": "Pending: waiting for information requested from the provider",
	"P4": "Pending: waiting for information requested from the patient",
	"P5": "Pending: payer administrative or system hold",
	"F0": "Finalized: adjudication complete, no further action",
	"F1": "Finalized: paid",
	"F2": "Finalized: denied",
	"F3": "Finalized: adjudication revised",
	"F4": "Finalized: adjudicated, no payment forthcoming",
	"R0": "Information requested: general",
	"R1": "Information requested: about an entity",
	"R3": "Information requested: claim or line data",
	"R4": "Information requested: supporting documentation",
	"E0": "Response not possible: error in the request",
	"E1": "Response not possible: payer system status",
	"E2": "The payer is not responding; ask again later",
	"E3": "Correction required: relational fields in error",
	"E4": "Trading partner requirement not met; correct the request",
	"D0": "Search unsuccessful: no status for the search criteria",
}

var starterStatuses = map[string]string{
	"0":   "no further status electronically",
	"1":   "see the remittance advice for details",
	"2":   "details in a letter",
	"3":   "adjudicated, awaiting the payment cycle",
	"6":   "balance due from the subscriber",
	"20":  "accepted for processing",
	"21":  "missing or invalid information",
	"29":  "subscriber and policy number mismatched",
	"33":  "subscriber and subscriber ID not found",
	"35":  "claim not found",
	"41":  "special handling required at the payer",
	"42":  "awaiting related charges",
	"65":  "claim or line paid",
	"88":  "not eligible for benefits on the dates of service",
	"101": "processed as an adjustment to a previous claim",
	"104": "processed according to plan provisions",
	"107": "processed according to contract provisions",
	"116": "submitted to the wrong payer",
	"178": "submitted charges",
	"187": "dates of service",
	"562": "national provider identifier (NPI)",
}

// Words says a status in words: "Finalized: paid (claim or line paid)".
func (c *Codes) Words(s Status) string {
	cat := c.Categories[s.Category]
	if cat == "" {
		cat = "category " + s.Category
	}
	st := c.Statuses[s.Code]
	if st == "" {
		st = "status code " + s.Code
	}
	return fmt.Sprintf("%s (%s:%s %s)", cat, s.Category, s.Code, st)
}

// ErrCodeList is wrapped when a code list file cannot be read.
var ErrCodeList = errors.New("invalid claim status code list")

// ParseCodes reads a published code list (columns code, description,
// start_date, last_modified, stop_date, notes) into code → description,
// leaving out codes with a stop date. A bad row is refused with its line.
func ParseCodes(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: line 1: %v", ErrCodeList, err)
	}
	if len(head) < 2 || strings.TrimPrefix(head[0], "\ufeff") != "code" || head[1] != "description" {
		return nil, fmt.Errorf("%w: line 1: the header must start with code,description", ErrCodeList)
	}
	out := map[string]string{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrCodeList, line, err)
		}
		if len(rec) < 2 || strings.TrimSpace(rec[0]) == "" || len(rec[0]) > 5 {
			return nil, fmt.Errorf("%w: line %d: a code and its description are required", ErrCodeList, line)
		}
		if len(rec) >= 5 && strings.TrimSpace(rec[4]) != "" {
			continue
		}
		out[strings.TrimSpace(rec[0])] = strings.TrimSpace(rec[1])
	}
}
