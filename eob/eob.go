// Package eob posts payer money that arrives on paper: an explanation of
// benefits with a check, or a lockbox deposit. The biller enters the check
// (payer, number, date, amount) and, for each claim, each line's paid
// amount and adjustments as CAS triplets (group, reason, amount; patient
// responsibility is group PR). The entry becomes the same remittance an
// 835 would be and posts through the same planner, ledger rules and
// deposit journal: exactly once per payer and check number, and only when
// every line and the check balance. One parser (JSON) serves the command
// line and the API.
package eob

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/jsondup"
	"github.com/openrcm/openrcm/remit"
)

// Check is one paper payment.
type Check struct {
	// Payer is the payer's ID as OpenRCM knows it (the payer ID on claims).
	Payer  string    `json:"payer"`
	Number string    `json:"check_number"`
	Date   rcm.Date  `json:"check_date"`
	Amount rcm.Money `json:"amount"`
	// Unapplied is the part of the check the biller applies to no claim
	// yet: it is held as the payer's unapplied cash (the deposit
	// journal's unapplied account and the exceptions queue) until applied.
	Unapplied rcm.Money `json:"unapplied,omitempty"`
	Claims    []Claim   `json:"claims"`
}

// Claim is the EOB's block for one claim.
type Claim struct {
	// ControlNumber is OpenRCM's claim number (the patient control
	// number printed on the EOB as "patient account" or "claim").
	ControlNumber string `json:"claim"`
	PayerClaim    string `json:"payer_claim_number,omitempty"`
	Lines         []Line `json:"lines"`
}

// Line is one service line as the EOB shows it.
type Line struct {
	Code        string           `json:"code"`
	Modifiers   []string         `json:"modifiers,omitempty"`
	Units       int              `json:"units,omitempty"`
	Charge      rcm.Money        `json:"charge"`
	Paid        rcm.Money        `json:"paid"`
	Adjustments []rcm.Adjustment `json:"adjustments,omitempty"`
	Remarks     []string         `json:"remarks,omitempty"`
}

// MaxBytes bounds an entry: a paper check covers at most a few hundred
// claims.
const MaxBytes = 4 << 20

// Parse reads one check as JSON: unknown fields and keys given twice are
// refused, as every JSON door does.
func Parse(r io.Reader) (*Check, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, rcm.Errorf(rcm.EINVALID, "A paper EOB entry is at most %d bytes.", MaxBytes)
	}
	if err := jsondup.Check(data); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "%s", err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Check
	if err := dec.Decode(&c); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "The paper EOB cannot be read: %s.", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return nil, rcm.Errorf(rcm.EINVALID, "The paper EOB holds more than one JSON value.")
	}
	return &c, c.Validate()
}

// Validate checks the entry and that it balances: each line's charge less
// its adjustments is what was paid on it, and the lines' payments and the
// unapplied amount add up to the check. Each refusal names the claim and line.
func (c *Check) Validate() error {
	switch {
	case strings.TrimSpace(c.Payer) == "":
		return rcm.FieldErrorf(rcm.EINVALID, "payer", "Name the payer (its payer ID).")
	case strings.TrimSpace(c.Number) == "" || len(c.Number) > 50 || strings.ContainsAny(c.Number, "*~:^\n"):
		return rcm.FieldErrorf(rcm.EINVALID, "check_number", "The check number is 1 to 50 characters.")
	case c.Date.IsZero():
		return rcm.FieldErrorf(rcm.EINVALID, "check_date", "Give the check's date.")
	case c.Amount < 0:
		return rcm.FieldErrorf(rcm.EINVALID, "amount", "A check amount cannot be negative.")
	case c.Unapplied < 0:
		return rcm.FieldErrorf(rcm.EINVALID, "unapplied", "The unapplied amount cannot be negative.")
	case (len(c.Claims) == 0 && c.Unapplied == 0) || len(c.Claims) > 1000:
		return rcm.FieldErrorf(rcm.EINVALID, "claims", "A paper EOB covers 1 to 1,000 claims (none only when the whole check is unapplied).")
	}
	var applied rcm.Money
	for i, cl := range c.Claims {
		where := fmt.Sprintf("claims[%d]", i)
		if strings.TrimSpace(cl.ControlNumber) == "" {
			return rcm.FieldErrorf(rcm.EINVALID, where+".claim", "Claim %d: give OpenRCM's claim number.", i+1)
		}
		if len(cl.Lines) == 0 {
			return rcm.FieldErrorf(rcm.EINVALID, where+".lines", "Claim %s: enter its service lines.", cl.ControlNumber)
		}
		for j, l := range cl.Lines {
			lw := fmt.Sprintf("%s.lines[%d]", where, j)
			if strings.TrimSpace(l.Code) == "" {
				return rcm.FieldErrorf(rcm.EINVALID, lw+".code", "Claim %s line %d: the procedure code is missing.", cl.ControlNumber, j+1)
			}
			if l.Charge < 0 || l.Paid < 0 {
				return rcm.FieldErrorf(rcm.EINVALID, lw, "Claim %s line %d: charge and paid cannot be negative on a paper EOB.", cl.ControlNumber, j+1)
			}
			var adj rcm.Money
			for k, a := range l.Adjustments {
				if _, ok := groups[a.Group]; !ok || a.Reason == "" {
					return rcm.FieldErrorf(rcm.EINVALID, fmt.Sprintf("%s.adjustments[%d]", lw, k),
						"Claim %s line %d: adjustment %d needs a group (CO, PR, OA, PI, CR) and a reason code.", cl.ControlNumber, j+1, k+1)
				}
				adj += a.Amount
			}
			if l.Charge-adj != l.Paid {
				return rcm.FieldErrorf(rcm.EINVALID, lw, "Claim %s line %d (%s): charge %s less adjustments %s is %s, but %s was paid; the line does not add up.",
					cl.ControlNumber, j+1, l.Code, l.Charge.Dollars(), adj.Dollars(), (l.Charge - adj).Dollars(), l.Paid.Dollars())
			}
			applied += l.Paid
		}
	}
	if applied+c.Unapplied != c.Amount {
		return rcm.FieldErrorf(rcm.EINVALID, "amount", "The lines pay %s and %s is left unapplied, but the check is for %s; applied + unapplied must equal the check amount. The check does not balance, nothing was posted.",
			applied.Dollars(), c.Unapplied.Dollars(), c.Amount.Dollars())
	}
	return nil
}

var groups = map[string]bool{"CO": true, "PR": true, "OA": true, "PI": true, "CR": true}

// Remittance is the check as the remittance an 835 would carry, for the
// one posting path: the check number is the trace (with the payer, what
// makes a payment unique), the payer is named by its payer ID.
func (c *Check) Remittance(p *rcm.Payer) *remit.Remittance {
	rem := &remit.Remittance{Handling: "C", Amount: c.Amount, CreditDebit: "C", Method: "CHK", PaidOn: c.Date, Trace: c.Number,
		PayerName: p.Name, PayerIdentifier: p.PayerID, Unapplied: c.Unapplied}
	if c.Amount == 0 {
		rem.Handling, rem.Method = "H", "NON"
	}
	for _, cl := range c.Claims {
		cp := &remit.ClaimPayment{ControlNumber: cl.ControlNumber, Status: "1", FilingIndicator: p.FilingIndicator, PayerClaimNumber: cl.PayerClaim}
		for _, l := range cl.Lines {
			units := l.Units
			if units == 0 {
				units = 1
			}
			cp.Lines = append(cp.Lines, &remit.LinePayment{Qualifier: "HC", Code: l.Code, Modifiers: l.Modifiers, Charge: l.Charge, Paid: l.Paid,
				Units: units, Adjustments: l.Adjustments, Remarks: l.Remarks})
			cp.Charge += l.Charge
			cp.Paid += l.Paid
			for _, a := range l.Adjustments {
				if a.Group == "PR" {
					cp.PatientResponsibility += a.Amount
				}
			}
		}
		if cp.Paid == 0 && cp.PatientResponsibility == 0 {
			cp.Status = "4" // denied
		}
		rem.Claims = append(rem.Claims, cp)
	}
	return rem
}

// Store is what posting a paper EOB needs.
type Store interface {
	remit.Store
	FindPayers(ctx context.Context) ([]*rcm.Payer, error)
}

// Post posts the check once: the same payer and check number again
// returns the earlier posting with AlreadyPosted set and posts nothing.
func Post(ctx context.Context, st Store, c *Check) (*remit.Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	payers, err := st.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	var p *rcm.Payer
	for _, x := range payers {
		if strings.EqualFold(x.PayerID, strings.TrimSpace(c.Payer)) {
			p = x
		}
	}
	if p == nil {
		return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "payer", "No payer with payer ID %q.", c.Payer)
	}
	return remit.Post(ctx, st, c.Remittance(p))
}
