// Package remit posts 835 remittances (X12 005010X221A1 Health Care Claim
// Payment/Advice) into the ledger: every dollar of an 835 posted exactly
// once, against the claim and service line it pays, with whatever cannot
// be matched kept in an exceptions queue instead of dropped or guessed.
//
// Read835 maps the 835's loops to a Remittance; Balance checks the
// guide's balancing rules. Plan matches each claim payment (loop 2100 CLP)
// to its claim and each service payment (loop 2110 SVC) to its claim line
// and builds the ledger transactions, claim state changes, denials,
// exceptions and secondary claims of the posting, without touching a
// database; Post plans and hands the plan to a Store that writes it in one
// database transaction, keyed by payer and TRN02 so that a second copy of
// the same 835 posts nothing.
package remit

import (
	"github.com/openrcm/openrcm"
)

// ClaimStatuses are the CLP02 claim status codes of the 835.
var ClaimStatuses = map[string]string{
	"1":  "processed as primary",
	"2":  "processed as secondary",
	"3":  "processed as tertiary",
	"4":  "denied",
	"19": "processed as primary, forwarded to additional payer(s)",
	"20": "processed as secondary, forwarded to additional payer(s)",
	"21": "processed as tertiary, forwarded to additional payer(s)",
	"22": "reversal of previous payment",
	"23": "not our claim, forwarded to additional payer(s)",
	"25": "predetermination pricing only, no payment",
}

// Claim status codes the poster treats specially.
const (
	StatusDenied   = "4"
	StatusReversal = "22"
)

// Groups are the CAS01 claim adjustment group codes.
var Groups = map[string]string{
	"CO": "contractual obligation",
	"CR": "correction or reversal",
	"OA": "other adjustment",
	"PI": "payer initiated reduction",
	"PR": "patient responsibility",
}

// Remittance is one 835 transaction set: one payment (or notice) from one
// payer, with the claims it pays.
type Remittance struct {
	Control     string `json:"control"`     // ST02
	Interchange string `json:"interchange"` // ISA13
	// Handling is BPR01: C payment with remittance, I remittance only
	// (information), H notification only, ...
	Handling string    `json:"handling"`
	Amount   rcm.Money `json:"amount"` // BPR02, negative when BPR03 is D
	// Unapplied is money a paper check carries beyond what its entry
	// applies to claims (an 835 never has it): the check balances as
	// applied + unapplied = amount, and the unapplied money is held in the
	// deposit journal's unapplied account and the exceptions queue until
	// a biller applies it.
	Unapplied   rcm.Money `json:"unapplied,omitempty"`
	CreditDebit string    `json:"credit_debit"` // BPR03
	Method      string    `json:"method"`       // BPR04: ACH, CHK, BOP, FWT, NON
	PaidOn      rcm.Date  `json:"paid_on"`      // BPR16
	// Trace is the check or EFT trace number (TRN02); with the payer it
	// identifies the 835.
	Trace string `json:"trace"`
	// TraceOriginator is TRN03, the payer's identifier ("1" and its EIN).
	TraceOriginator string   `json:"trace_originator"`
	ProductionDate  rcm.Date `json:"production_date,omitzero"` // DTM*405
	PayerName       string   `json:"payer_name"`               // 1000A N102
	// PayerIdentifier is 1000A REF*2U, the payer identification number.
	PayerIdentifier string `json:"payer_identifier,omitempty"`
	// PayerPlanID is 1000A N104 when N103 is XV (CMS plan ID).
	PayerPlanID         string               `json:"payer_plan_id,omitempty"`
	PayeeName           string               `json:"payee_name"` // 1000B N102
	PayeeID             string               `json:"payee_id"`   // 1000B N104 (NPI or TIN)
	Claims              []*ClaimPayment      `json:"claims"`
	ProviderAdjustments []ProviderAdjustment `json:"provider_adjustments,omitempty"`
	// Stream, set by ReadFileStream, reads the claims from the file batch
	// by batch instead of holding them in Claims (see ClaimBatches).
	Stream *ClaimStream `json:"-"`
}

// PayerKeys returns the identifiers by which the 835's payer may be known
// to OpenRCM, in the order they are tried: REF*2U, TRN03 (with and without
// its leading "1"), the N1*PR XV plan id, and the payer's name.
func (rem *Remittance) PayerKeys() []string {
	var keys []string
	add := func(k string) {
		if k == "" {
			return
		}
		for _, x := range keys {
			if x == k {
				return
			}
		}
		keys = append(keys, k)
	}
	add(rem.PayerIdentifier)
	add(rem.TraceOriginator)
	if len(rem.TraceOriginator) == 10 && rem.TraceOriginator[0] == '1' {
		add(rem.TraceOriginator[1:])
	}
	add(rem.PayerPlanID)
	add(rem.PayerName)
	return keys
}

// ClaimPayment is one claim's adjudication (loop 2100).
type ClaimPayment struct {
	// Segment is the CLP's ordinal in its transaction set, for messages.
	Segment int64 `json:"segment"`
	// ControlNumber is CLP01, the patient control number sent in CLM01.
	ControlNumber         string    `json:"control_number"`
	Status                string    `json:"status"`                 // CLP02
	Charge                rcm.Money `json:"charge"`                 // CLP03
	Paid                  rcm.Money `json:"paid"`                   // CLP04
	PatientResponsibility rcm.Money `json:"patient_responsibility"` // CLP05
	FilingIndicator       string    `json:"filing_indicator"`       // CLP06
	// PayerClaimNumber is CLP07, the payer's claim control number.
	PayerClaimNumber string `json:"payer_claim_number"`
	// Adjustments are the claim-level CAS segments.
	Adjustments []rcm.Adjustment `json:"adjustments,omitempty"`
	// Remarks are claim-level remark codes (MOA, MIA).
	Remarks          []string       `json:"remarks,omitempty"`
	StatementFrom    rcm.Date       `json:"statement_from,omitzero"` // DTM*232
	StatementTo      rcm.Date       `json:"statement_to,omitzero"`   // DTM*233
	ReceivedOn       rcm.Date       `json:"received_on,omitzero"`    // DTM*050
	CorrectedInsured bool           `json:"corrected_insured,omitempty"`
	Lines            []*LinePayment `json:"lines,omitempty"`
}

// LinePayment is one service line's adjudication (loop 2110).
type LinePayment struct {
	Segment   int64    `json:"segment"`
	Qualifier string   `json:"qualifier"` // SVC01-1: HC (CPT/HCPCS), AD, ...
	Code      string   `json:"code"`      // SVC01-2, as adjudicated
	Modifiers []string `json:"modifiers,omitempty"`
	// OriginalCode and OriginalModifiers are SVC06, the procedure as
	// billed, sent when the payer adjudicated a different one.
	OriginalCode      string    `json:"original_code,omitempty"`
	OriginalModifiers []string  `json:"original_modifiers,omitempty"`
	Charge            rcm.Money `json:"charge"` // SVC02
	Paid              rcm.Money `json:"paid"`   // SVC03
	Units             int       `json:"units"`  // SVC05, 1 when absent
	OriginalUnits     int       `json:"original_units,omitempty"`
	DateOfService     rcm.Date  `json:"date_of_service,omitzero"` // DTM*472 (or *150)
	// ControlNumber is REF*6R, the line item control number of the 837P.
	ControlNumber string           `json:"control_number,omitempty"`
	Allowed       rcm.Money        `json:"allowed"` // AMT*B6
	HasAllowed    bool             `json:"has_allowed,omitempty"`
	Adjustments   []rcm.Adjustment `json:"adjustments,omitempty"`
	Remarks       []string         `json:"remarks,omitempty"` // LQ*HE
}

// PatientShare is the part of the line's adjustments in group PR.
func (l *LinePayment) PatientShare() rcm.Money {
	var s rcm.Money
	for _, a := range l.Adjustments {
		if a.Group == "PR" {
			s += a.Amount
		}
	}
	return s
}

// ProviderAdjustment is one adjustment of a PLB segment: money the payer
// adds or takes back at the provider level, outside any claim (a positive
// amount reduces the payment).
type ProviderAdjustment struct {
	Provider     string    `json:"provider"`      // PLB01
	FiscalPeriod rcm.Date  `json:"fiscal_period"` // PLB02
	Reason       string    `json:"reason"`        // PLB03-1: L6 interest, WO overpayment recovery, FB forward balance, ...
	Reference    string    `json:"reference"`     // PLB03-2
	Amount       rcm.Money `json:"amount"`        // PLB04
}
