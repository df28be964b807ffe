package remit

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// ErrFormat is wrapped by every error Read835 returns about the content of
// an 835, as opposed to an error reading the input.
var ErrFormat = errors.New("invalid 835")

// ErrUnbalanced is wrapped by the error Balance returns.
var ErrUnbalanced = errors.New("835 does not balance")

// ParseError says where in an 835 a value could not be read: the segment's
// ordinal in its transaction set, its id and element, and why.
type ParseError struct {
	Control string // ST02 of the transaction set
	Segment int64  // 1-based ordinal of the segment in the transaction set
	ID      string // segment id
	Element string // element name as the guide names it, e.g. "CLP04"
	Reason  string
}

func (e *ParseError) Error() string {
	s := "835"
	if e.Control != "" {
		s += " " + e.Control
	}
	if e.Segment > 0 {
		s += fmt.Sprintf(" segment %d (%s)", e.Segment, e.ID)
	}
	if e.Element != "" {
		s += " " + e.Element
	}
	return s + ": " + e.Reason
}

// Unwrap returns ErrFormat.
func (e *ParseError) Unwrap() error { return ErrFormat }

// reader maps one transaction set; the first error found is kept.
type reader struct {
	control string
	err     error
}

func (r *reader) fail(s *x12.Segment, element, format string, args ...any) {
	if r.err != nil {
		return
	}
	pe := &ParseError{Control: r.control, Element: element, Reason: fmt.Sprintf(format, args...)}
	if s != nil {
		pe.Segment, pe.ID = s.Ordinal, s.ID()
	}
	r.err = pe
}

func (r *reader) money(s *x12.Segment, element string, required bool) rcm.Money {
	v := strings.TrimSpace(string(s.Field(element)))
	if v == "" {
		if required {
			r.fail(s, element, "amount is required")
		}
		return 0
	}
	m, err := rcm.ParseMoney(v)
	if err != nil || strings.ContainsAny(v, ",$") {
		r.fail(s, element, "%q is not an amount", v)
		return 0
	}
	if m > maxAmount || m < -maxAmount {
		r.fail(s, element, "amount %s is out of range", m)
		return 0
	}
	return m
}

// maxAmount bounds any 835 amount at ten billion dollars, so sums of a
// whole file cannot overflow.
const maxAmount rcm.Money = 1_000_000_000_000

func (r *reader) date(s *x12.Segment, element string) rcm.Date {
	v := string(s.Field(element))
	if v == "" {
		return rcm.Date{}
	}
	if len(v) != 8 {
		r.fail(s, element, "%q is not a CCYYMMDD date", v)
		return rcm.Date{}
	}
	d, err := rcm.ParseDate(v[:4] + "-" + v[4:6] + "-" + v[6:])
	if err != nil {
		r.fail(s, element, "%q is not a CCYYMMDD date", v)
	}
	return d
}

// quantity reads a whole-number quantity (units, CAS quantity); a value
// with a fraction other than zero is refused rather than rounded.
func (r *reader) quantity(s *x12.Segment, element string) int {
	v := string(s.Field(element))
	if v == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(v, ".")
	if strings.Trim(frac, "0") != "" {
		r.fail(s, element, "quantity %q has a fraction", v)
		return 0
	}
	if whole == "" {
		whole = "0"
	}
	n, err := strconv.Atoi(whole)
	if err != nil || n < -99999 || n > 99999 {
		r.fail(s, element, "%q is not a quantity", v)
		return 0
	}
	return n
}

// Read835 reads every 835 (005010X221A1) transaction set in r into a
// Remittance. It checks what posting relies on (the BPR, TRN, payer and
// CLP segments and every amount) and returns a *ParseError naming the
// segment and element of the first problem; it does not check the
// balancing rules, which Balance does, so a file that does not balance can
// still be read and shown.
func Read835(r io.Reader) ([]*Remittance, error) {
	var out []*Remittance
	err := read835(r, func(rem *Remittance, c *ClaimPayment) error {
		if c != nil {
			rem.Claims = append(rem.Claims, c)
		} else {
			out = append(out, rem)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &ParseError{Reason: "no 835 transaction set (ISA/GS/ST*835) found"}
	}
	return out, nil
}

// read835 reads the 835 transaction sets of r claim by claim: fn gets
// each claim payment (loop 2100) as it is read, with its remittance's
// header, then the remittance with a nil claim once its transaction set
// ends (with its PLB adjustments). Only one claim's segments are held at
// a time; the claims are not kept unless fn keeps them.
func read835(r io.Reader, fn func(rem *Remittance, c *ClaimPayment) error) error {
	var t0 *x12.Transaction
	var rd *reader
	var rem *Remittance
	err := x12.ReadLoops(r, "2100", func(t *x12.Transaction, n *x12.Node) error {
		if t != t0 {
			if t.ID != "835" {
				return &ParseError{Control: t.Control, Reason: fmt.Sprintf("transaction set %s is not an 835", t.ID)}
			}
			t0, rd, rem = t, &reader{control: t.Control}, nil
		}
		if rem == nil {
			// The header (BPR, TRN, loops 1000A and 1000B) comes before
			// the first claim.
			var err error
			if rem, err = rd.header(t); err != nil {
				return err
			}
		}
		if n == nil {
			for _, s := range t.Root.Segments {
				if s.ID() == "PLB" {
					rem.ProviderAdjustments = append(rem.ProviderAdjustments, rd.plb(s)...)
				}
			}
			if rd.err != nil {
				return rd.err
			}
			return fn(rem, nil)
		}
		c := rd.claim(n)
		if rd.err != nil {
			return rd.err
		}
		return fn(rem, c)
	})
	if err != nil {
		var xe *x12.ParseError
		if errors.As(err, &xe) {
			return fmt.Errorf("%w: %w", ErrFormat, err)
		}
		return err
	}
	return nil
}

// header reads the remittance's header: the segments and loops of the
// transaction set before its first claim.
func (r *reader) header(t *x12.Transaction) (*Remittance, error) {
	rem := &Remittance{Control: t.Control, Interchange: t.Interchange}
	root := t.Root
	bpr := root.Segment("BPR")
	if bpr == nil {
		return nil, &ParseError{Control: t.Control, ID: "BPR", Reason: "BPR (financial information) is missing"}
	}
	rem.Handling = string(bpr.Field("BPR01"))
	rem.Amount = r.money(bpr, "BPR02", true)
	rem.CreditDebit = string(bpr.Field("BPR03"))
	if rem.CreditDebit == "D" {
		// BPR03 D: the payer takes money back; the amount is a debit.
		rem.Amount = -rem.Amount
	}
	rem.Method = string(bpr.Field("BPR04"))
	rem.PaidOn = r.date(bpr, "BPR16")
	trn := root.Segment("TRN")
	if trn == nil || len(trn.Field("TRN02")) == 0 {
		r.fail(trn, "TRN02", "the check or EFT trace number (TRN02) is missing")
	} else {
		rem.Trace = string(trn.Field("TRN02"))
		rem.TraceOriginator = string(trn.Field("TRN03"))
	}
	if d := root.Segment("DTM", "405"); d != nil {
		rem.ProductionDate = r.date(d, "DTM02")
	}
	if l := root.Loops("1000A"); len(l) > 0 {
		if n1 := l[0].Segment("N1", "PR"); n1 != nil {
			rem.PayerName = string(n1.Field("N102"))
			if string(n1.Field("N103")) == "XV" {
				rem.PayerPlanID = string(n1.Field("N104"))
			}
		}
		if ref := l[0].Segment("REF", "2U"); ref != nil {
			rem.PayerIdentifier = string(ref.Field("REF02"))
		}
	} else {
		r.fail(nil, "", "loop 1000A (payer identification) is missing")
	}
	if l := root.Loops("1000B"); len(l) > 0 {
		if n1 := l[0].Segment("N1", "PE"); n1 != nil {
			rem.PayeeName, rem.PayeeID = string(n1.Field("N102")), string(n1.Field("N104"))
		}
	}
	return rem, nil
}

func (r *reader) claim(n *x12.Node) *ClaimPayment {
	clp := n.Segment("CLP")
	c := &ClaimPayment{}
	if clp == nil {
		r.fail(nil, "CLP", "loop 2100 without its CLP segment")
		return c
	}
	c.Segment = clp.Ordinal
	c.ControlNumber = string(clp.Field("CLP01"))
	if c.ControlNumber == "" {
		r.fail(clp, "CLP01", "the patient control number is missing")
	}
	c.Status = string(clp.Field("CLP02"))
	if _, ok := ClaimStatuses[c.Status]; !ok {
		r.fail(clp, "CLP02", "%q is not a claim status code", c.Status)
	}
	c.Charge = r.money(clp, "CLP03", true)
	c.Paid = r.money(clp, "CLP04", true)
	c.PatientResponsibility = r.money(clp, "CLP05", false)
	c.FilingIndicator = string(clp.Field("CLP06"))
	c.PayerClaimNumber = string(clp.Field("CLP07"))
	for _, s := range n.Segments {
		switch s.ID() {
		case "CAS":
			c.Adjustments = append(c.Adjustments, r.cas(s)...)
		case "DTM":
			switch string(s.Field("DTM01")) {
			case "232":
				c.StatementFrom = r.date(s, "DTM02")
			case "233":
				c.StatementTo = r.date(s, "DTM02")
			case "050":
				c.ReceivedOn = r.date(s, "DTM02")
			}
		case "MOA", "MIA":
			// MOA03-07 and MIA05, MIA20-24: claim-level remark codes.
			idx := []int{3, 4, 5, 6, 7}
			if s.ID() == "MIA" {
				idx = []int{5, 20, 21, 22, 23}
			}
			for _, i := range idx {
				if v := s.String(i); v != "" {
					c.Remarks = append(c.Remarks, v)
				}
			}
		case "NM1":
			if string(s.Field("NM101")) == "74" {
				c.CorrectedInsured = true
			}
		}
	}
	for _, ln := range n.Children {
		if ln.ID == "2110" {
			c.Lines = append(c.Lines, r.line(ln))
		}
	}
	return c
}

func (r *reader) line(n *x12.Node) *LinePayment {
	l := &LinePayment{Units: 1}
	svc := n.Segment("SVC")
	if svc == nil {
		r.fail(nil, "SVC", "loop 2110 without its SVC segment")
		return l
	}
	l.Segment = svc.Ordinal
	l.Qualifier, l.Code, l.Modifiers = procedure(svc, 1)
	if l.Code == "" {
		r.fail(svc, "SVC01-2", "the procedure code is missing")
	}
	l.Charge = r.money(svc, "SVC02", true)
	l.Paid = r.money(svc, "SVC03", true)
	if len(svc.Field("SVC05")) > 0 {
		l.Units = r.quantity(svc, "SVC05")
	}
	if len(svc.Field("SVC06")) > 0 {
		_, l.OriginalCode, l.OriginalModifiers = procedure(svc, 6)
	}
	if len(svc.Field("SVC07")) > 0 {
		l.OriginalUnits = r.quantity(svc, "SVC07")
	}
	for _, s := range n.Segments {
		switch s.ID() {
		case "DTM":
			switch string(s.Field("DTM01")) {
			case "472", "150":
				// 472 is the date of service; 150 the first day of a
				// period, which is the date a line is matched on.
				if l.DateOfService.IsZero() {
					l.DateOfService = r.date(s, "DTM02")
				}
			}
		case "CAS":
			l.Adjustments = append(l.Adjustments, r.cas(s)...)
		case "REF":
			if string(s.Field("REF01")) == "6R" {
				l.ControlNumber = string(s.Field("REF02"))
			}
		case "AMT":
			if string(s.Field("AMT01")) == "B6" {
				l.Allowed, l.HasAllowed = r.money(s, "AMT02", true), true
			}
		case "LQ":
			if q := string(s.Field("LQ01")); q == "HE" || q == "RX" {
				l.Remarks = append(l.Remarks, string(s.Field("LQ02")))
			}
		}
	}
	return l
}

// procedure reads the composite procedure identifier of SVC01 or SVC06:
// qualifier, code and up to four modifiers.
func procedure(s *x12.Segment, el int) (qual, code string, mods []string) {
	qual, code = string(s.Component(el, 1)), string(s.Component(el, 2))
	for i := 3; i <= 6; i++ {
		if m := string(s.Component(el, i)); m != "" {
			mods = append(mods, m)
		}
	}
	return qual, code, mods
}

// cas reads a CAS segment's group and up to six reason, amount and
// quantity triplets (CAS02-04, CAS05-07, ... CAS17-19).
func (r *reader) cas(s *x12.Segment) []rcm.Adjustment {
	group := string(s.Field("CAS01"))
	if _, ok := Groups[group]; !ok {
		r.fail(s, "CAS01", "%q is not a claim adjustment group code (CO, CR, OA, PI, PR)", group)
		return nil
	}
	var out []rcm.Adjustment
	for i := 0; i < 6; i++ {
		reasonEl := fmt.Sprintf("CAS%02d", 2+3*i)
		reason := string(s.Field(reasonEl))
		if reason == "" {
			continue
		}
		if len(reason) > 5 {
			r.fail(s, reasonEl, "%q is not an adjustment reason code", reason)
			return nil
		}
		a := rcm.Adjustment{Group: group, Reason: reason,
			Amount:   r.money(s, fmt.Sprintf("CAS%02d", 3+3*i), true),
			Quantity: r.quantity(s, fmt.Sprintf("CAS%02d", 4+3*i))}
		out = append(out, a)
	}
	if len(out) == 0 {
		r.fail(s, "CAS02", "the adjustment reason code is missing")
	}
	return out
}

// plb reads a provider-level adjustment: PLB01 provider, PLB02 fiscal
// period date, then up to six pairs of a composite reason (PLB03-1 code,
// PLB03-2 reference) and an amount.
func (r *reader) plb(s *x12.Segment) []ProviderAdjustment {
	provider, date := string(s.Field("PLB01")), r.date(s, "PLB02")
	var out []ProviderAdjustment
	for i := 0; i < 6; i++ {
		el := 3 + 2*i
		code := string(s.Component(el, 1))
		if code == "" {
			continue
		}
		out = append(out, ProviderAdjustment{Provider: provider, FiscalPeriod: date, Reason: code,
			Reference: string(s.Component(el, 2)), Amount: r.money(s, fmt.Sprintf("PLB%02d", el+1), true)})
	}
	if len(out) == 0 {
		r.fail(s, "PLB03", "a PLB needs at least one adjustment")
	}
	return out
}

// Balance checks the balancing rules of the 835 guide (005010X221A1,
// section 1.10.2): each service line's charge minus its adjustments equals
// its payment (SVC02 - CAS = SVC03); each claim's charge minus all its
// claim and line adjustments equals its payment (CLP03 - CAS = CLP04); and
// the total payment equals the claim payments minus the provider-level
// adjustments (BPR02 = sum CLP04 - sum PLB). An 835 that does not balance
// is not posted: some amount in it is wrong, and posting it would put a
// wrong amount in the ledger. The error lists every rule broken.
func (rem *Remittance) Balance() error {
	if rem.Stream != nil {
		return rem.Stream.balance
	}
	var b balance
	for i, c := range rem.Claims {
		b.claim(i, c)
	}
	return b.err(rem)
}

// balance checks Balance claim by claim, so a remittance read from a file
// as a stream is checked the same as one read whole.
type balance struct {
	bad   []string
	total rcm.Money
}

func (b *balance) claim(i int, c *ClaimPayment) {
	b.total += c.Paid
	adj := sumAdj(c.Adjustments)
	for j, l := range c.Lines {
		la := sumAdj(l.Adjustments)
		adj += la
		if l.Charge-la != l.Paid {
			b.bad = append(b.bad, fmt.Sprintf("claim %d (%s) line %d: charge %s - adjustments %s = %s, but SVC03 pays %s",
				i+1, c.ControlNumber, j+1, l.Charge, la, l.Charge-la, l.Paid))
		}
	}
	if c.Charge-adj != c.Paid {
		b.bad = append(b.bad, fmt.Sprintf("claim %d (%s): charge %s - adjustments %s = %s, but CLP04 pays %s",
			i+1, c.ControlNumber, c.Charge, adj, c.Charge-adj, c.Paid))
	}
}

func (b *balance) err(rem *Remittance) error {
	total := b.total + rem.Unapplied
	for _, p := range rem.ProviderAdjustments {
		total -= p.Amount
	}
	bad := b.bad
	if total != rem.Amount {
		bad = append(bad, fmt.Sprintf("BPR02 total %s differs from claim payments minus provider adjustments %s", rem.Amount, total))
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%w (TRN02 %s): %s", ErrUnbalanced, rem.Trace, strings.Join(bad, "; "))
}

func sumAdj(as []rcm.Adjustment) rcm.Money {
	var s rcm.Money
	for _, a := range as {
		s += a.Amount
	}
	return s
}
