package followup

import (
	"context"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// Filter narrows the follow-up queue.
type Filter struct {
	State    string // open (default) or closed
	PayerID  int64
	ClaimID  int64
	Category string
	// OwnerID: 0 any owner, -1 unassigned, else that user.
	OwnerID int64
	// DueBy keeps items whose earlier deadline is on or before it.
	DueBy rcm.Date
	// After is the last item of the previous page (keyset paging).
	After *Item
	Limit int
}

// Store is what the desk needs of storage.
type Store interface {
	FindDenials(ctx context.Context, f remit.DenialFilter) ([]*remit.Denial, error)
	OpenFollowUpItem(ctx context.Context, it *Item) (bool, error)
	FindFollowUps(ctx context.Context, f Filter) ([]*Item, error)
	ResolveFollowUps(ctx context.Context) (int, error)
}

// OpenDenials turns every denied line of the posted 835s into a work item
// (once: reading the same denial again opens nothing), with its root cause
// and deadlines counted from the 835's date, and closes the items whose
// money has come in since. It returns how many items it opened and
// closed. A scheduled job calls it after each inbox poll.
func OpenDenials(ctx context.Context, st Store) (opened, resolved int, err error) {
	for offset := 0; ; offset += 1000 {
		ds, err := st.FindDenials(ctx, remit.DenialFilter{Limit: 1000, Offset: offset})
		if err != nil {
			return opened, resolved, err
		}
		for _, d := range ds {
			if d.ClaimID == 0 {
				continue
			}
			it := DenialItem(d)
			ok, err := st.OpenFollowUpItem(ctx, it)
			if err != nil {
				return opened, resolved, err
			}
			if ok {
				opened++
			}
		}
		if len(ds) < 1000 {
			break
		}
	}
	resolved, err = st.ResolveFollowUps(ctx)
	return opened, resolved, err
}

// DenialItem is the work item for one denied line.
func DenialItem(d *remit.Denial) *Item {
	var rs []Reason
	var codes []string
	for _, r := range d.Reasons {
		rs = append(rs, Reason{Group: r.Group, Code: r.Code})
		codes = append(codes, r.Group+"-"+r.Code)
	}
	for _, r := range d.Remarks {
		rs = append(rs, Reason{Code: r.Code})
		codes = append(codes, r.Code)
	}
	cat, _ := Categorize(rs)
	what := "claim"
	if d.Code != "" {
		what = "line " + fmt.Sprint(d.Line) + " " + d.Code
	}
	return &Item{ClaimID: d.ClaimID, LineCode: d.Code, Kind: KindDenial, Category: cat, Reasons: strings.Join(codes, " "),
		Summary: fmt.Sprintf("%s denied %s by %s: %s", what, d.Amount.Dollars(), d.PayerName, Categories[cat]),
		Stake:   d.Amount, OpenedOn: d.Date, Source: fmt.Sprintf("835:%d:%d", d.RemittanceID, d.Line)}
}

// DueForFollowUp returns the open items whose follow-up date is on or
// before day, for reminders.
func DueForFollowUp(ctx context.Context, st Store, day rcm.Date) ([]*Item, error) {
	var out []*Item
	var after *Item
	for {
		page, err := st.FindFollowUps(ctx, Filter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, it := range page {
			if !it.FollowUp.IsZero() && !it.FollowUp.After(day) {
				out = append(out, it)
			}
		}
		if len(page) < 1000 {
			return out, nil
		}
		after = page[len(page)-1]
	}
}

// Validate checks an appeal before it is stored.
func (ap *Appeal) Validate() error {
	switch {
	case ap.ClaimID == 0:
		return rcm.FieldErrorf(rcm.EINVALID, "claim", "Name the claim the appeal is about.")
	case ap.Level != LevelFirst && ap.Level != LevelSecond && ap.Level != LevelExternal:
		return rcm.FieldErrorf(rcm.EINVALID, "level", "The appeal level must be first, second or external.")
	case strings.TrimSpace(ap.Reason) == "" || len(ap.Reason) > 200:
		return rcm.FieldErrorf(rcm.EINVALID, "reason", "Give the appeal's reason in at most 200 characters.")
	case strings.TrimSpace(ap.Argument) == "" || len(ap.Argument) > 4000:
		return rcm.FieldErrorf(rcm.EINVALID, "argument", "Write the argument for the payer, at most 4,000 characters.")
	case ap.SentOn.IsZero():
		return rcm.FieldErrorf(rcm.EINVALID, "sent_on", "Give the date the appeal is sent.")
	case len(ap.Documents) > 20:
		return rcm.FieldErrorf(rcm.EINVALID, "documents", "Name at most 20 documents.")
	}
	for _, d := range ap.Documents {
		if strings.TrimSpace(d) == "" || len(d) > 200 || strings.Contains(d, "\n") {
			return rcm.FieldErrorf(rcm.EINVALID, "documents", "Each document is named in one line of at most 200 characters.")
		}
	}
	if ap.AnswerBy.IsZero() {
		// Plans answer a first-level appeal within 30 to 60 days; the
		// desk follows up at 60 unless the biller sets another date.
		ap.AnswerBy = ap.SentOn.AddDays(60)
	}
	if ap.AnswerBy.Before(ap.SentOn) {
		return rcm.FieldErrorf(rcm.EINVALID, "answer_by", "The answer cannot be due before the appeal is sent.")
	}
	return nil
}

// Underpaid is a posted line paid below the payer's contract, as a posting
// found it.
type Underpaid struct {
	ClaimID      int64
	RemitClaimID int64 // the stored claim payment, which makes the item's source unique
	Line         int   // 1-based claim line
	Code         string
	PayerName    string
	PaidOn       rcm.Date
	Allowed      rcm.Money // the contract's allowed amount for the line's units
	Patient      rcm.Money // the patient's share on the line
	Expected     rcm.Money // Allowed less Patient: what the payer should have paid
	Paid         rcm.Money
}

// UnderpaymentItem is the work item for a line paid below contract: its
// stake is the difference, and its summary says what was expected and
// what was paid, so the queue shows all three.
func UnderpaymentItem(u Underpaid) *Item {
	diff := u.Expected - u.Paid
	return &Item{ClaimID: u.ClaimID, LineCode: u.Code, Kind: KindUnderpayment, Category: "underpayment",
		Summary: fmt.Sprintf("line %d %s underpaid %s by %s: expected %s (contract allows %s, less patient %s), paid %s",
			u.Line, u.Code, diff.Dollars(), u.PayerName, u.Expected.Dollars(), u.Allowed.Dollars(), u.Patient.Dollars(), u.Paid.Dollars()),
		Stake: diff, OpenedOn: u.PaidOn, Source: fmt.Sprintf("underpaid:%d:%d", u.RemitClaimID, u.Line)}
}
