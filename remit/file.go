package remit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// maxFindingsShown bounds the findings an InvalidFileError spells out in
// its message; all of them stay in Findings.
const maxFindingsShown = 5

// InvalidFileError refuses an 835 file that does not validate: its
// envelopes, the 835 guide or the characters X12 allows. Money is posted
// only from a file the validator passes whole, so no part of a file that
// fails is posted.
type InvalidFileError struct {
	// Findings are the validator's findings, as rcm x12 validate prints
	// them.
	Findings []x12.Finding
	// More counts findings beyond the validator's cap.
	More int
}

// Error lists the first findings.
func (e *InvalidFileError) Error() string { return e.message() }

func (e *InvalidFileError) message() string {
	var b strings.Builder
	n := len(e.Findings) + e.More
	fmt.Fprintf(&b, "The 835 is not valid X12 (%d finding", n)
	if n != 1 {
		b.WriteString("s")
	}
	b.WriteString("); nothing was posted. ")
	for i, f := range e.Findings {
		if i == maxFindingsShown {
			fmt.Fprintf(&b, " … and %d more (rcm x12 validate lists them all).", n-maxFindingsShown)
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(strings.TrimSpace(f.String()))
		if !strings.HasSuffix(b.String(), ".") {
			b.WriteString(".")
		}
	}
	return b.String()
}

// Unwrap makes the refusal an EINVALID domain error, so every door answers
// it as bad input (400, exit 1, a file set aside) with the message above.
func (e *InvalidFileError) Unwrap() error { return rcm.Errorf(rcm.EINVALID, "%s", e.message()) }

// SameContentError refuses an 835 whose content (its Fingerprint) was
// posted before under another trace: a copy whose TRN02 was damaged or
// altered, which would count the same payments twice.
type SameContentError struct {
	// Trace is the refused 835's TRN02; Earlier, PostedAt and Amount
	// describe the 835 posted before.
	Trace, Earlier string
	PostedAt       time.Time
	Amount         rcm.Money
}

// Error says which 835 was posted before.
func (e *SameContentError) Error() string { return e.message() }

func (e *SameContentError) message() string {
	return fmt.Sprintf("835 %s carries the same payments as 835 %s, posted %s (the same payer, amount %s, payment date and claims): "+
		"it looks like a copy whose trace number was damaged or altered, so nothing was posted. Ask the payer before posting it by hand.",
		printable(e.Trace), printable(e.Earlier), e.PostedAt.Format(time.RFC3339), e.Amount.Dollars())
}

// Unwrap makes the refusal an ECONFLICT domain error.
func (e *SameContentError) Unwrap() error { return rcm.Errorf(rcm.ECONFLICT, "%s", e.message()) }

// printable shows a trace number in a message with anything but printable
// ASCII escaped, so a damaged one is visible as such.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return strconv.Quote(s)
		}
	}
	return s
}

// Validator is the validation an 835 passes before anything of it posts:
// the same as rcm x12 validate's, so a file that command rejects is never
// posted by any door.
func Validator() x12.Validator { return x12.Validator{Situational: true} }

// ReadFile validates a whole 835 file and only then reads it: the
// envelopes (ISA/IEA, GS/GE, ST/SE counts and control numbers), the 835
// guide's segments and elements, and the characters X12 allows. A file
// with any finding is refused with an *InvalidFileError and nothing of it
// is read. The file is read twice (validation streams it), which is why it
// takes an io.ReadSeeker: an *os.File or a *bytes.Reader.
func ReadFile(r io.ReadSeeker) ([]*Remittance, error) {
	v := Validator()
	res := v.Validate(r)
	if !res.Valid() {
		return nil, &InvalidFileError{Findings: res.Findings, More: res.Dropped}
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read 835 again after validating it: %w", err)
	}
	return Read835(r)
}

// PostFile is the one way an 835 file's money enters OpenRCM, shared by
// every door (rcm era post, the API's upload, the workbench's upload and
// the clearinghouse inbox): it validates the file whole (ReadFile), reads
// it, and posts each transaction set through the store, exactly once. A
// file that does not validate or read posts nothing; the results of the
// sets posted are returned with the error of the first that failed.
func PostFile(ctx context.Context, s Store, r io.ReadSeeker) ([]*Result, error) {
	rems, err := ReadFile(r)
	if err != nil {
		if rcm.ErrorCode(err) == rcm.EINTERNAL {
			return nil, rcm.Errorf(rcm.EINVALID, "%s; nothing was posted.", err)
		}
		return nil, err
	}
	var out []*Result
	for _, rem := range rems {
		res, err := Post(ctx, s, rem)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// Fingerprint identifies the content of a remittance apart from its trace
// number: what was paid (BPR02, BPR03, BPR04, BPR16) and every claim and
// service payment with its adjustments. Two 835s of one payer with the
// same fingerprint carry the same payments: when their TRN02 differs, the
// second is a copy whose trace was damaged or altered, and posting it would
// count the money twice. The trace is left out on purpose, since it is
// what such a copy changes.
func (rem *Remittance) Fingerprint() string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	money := func(m rcm.Money) { field(strconv.FormatInt(int64(m), 10)) }
	adjustments := func(as []rcm.Adjustment) {
		field(strconv.Itoa(len(as)))
		for _, a := range as {
			field(a.Group)
			field(a.Reason)
			money(a.Amount)
			field(strconv.Itoa(a.Quantity))
		}
	}
	field("835-fingerprint-v1")
	field(rem.Handling)
	money(rem.Amount)
	field(rem.CreditDebit)
	field(rem.Method)
	field(rem.PaidOn.String())
	field(strconv.Itoa(len(rem.Claims)))
	for _, c := range rem.Claims {
		field(c.ControlNumber)
		field(c.Status)
		money(c.Charge)
		money(c.Paid)
		money(c.PatientResponsibility)
		field(c.PayerClaimNumber)
		adjustments(c.Adjustments)
		field(strconv.Itoa(len(c.Lines)))
		for _, l := range c.Lines {
			field(l.Code)
			field(strings.Join(l.Modifiers, ":"))
			money(l.Charge)
			money(l.Paid)
			field(strconv.Itoa(l.Units))
			field(l.DateOfService.String())
			field(l.ControlNumber)
			adjustments(l.Adjustments)
		}
	}
	field(strconv.Itoa(len(rem.ProviderAdjustments)))
	for _, p := range rem.ProviderAdjustments {
		field(p.Provider)
		field(p.FiscalPeriod.String())
		field(p.Reason)
		field(p.Reference)
		money(p.Amount)
	}
	return hex.EncodeToString(h.Sum(nil))
}
