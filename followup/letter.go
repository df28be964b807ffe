package followup

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/remit"
)

// Letter is what an appeal letter says, gathered from the claim's facts.
type Letter struct {
	Date         rcm.Date
	Practice     *rcm.Practice
	Provider     string // rendering provider's name, when known
	PayerName    string
	PayerAddress []string
	Patient      *rcm.Patient
	MemberID     string
	Claim        *rcm.Claim
	PayerClaim   string
	Appeal       *Appeal
	// Denials are the claim's denied lines with their codes in words.
	Denials []*remit.Denial
}

// LetterStore is what building a letter reads.
type LetterStore interface {
	FindClaimByID(ctx context.Context, id int64) (*rcm.Claim, error)
	FindPatientByID(ctx context.Context, id int64) (*rcm.Patient, error)
	FindCoverageByID(ctx context.Context, id int64) (*rcm.Coverage, error)
	FindPayerByID(ctx context.Context, id int64) (*rcm.Payer, error)
	FindEncounterByID(ctx context.Context, id int64) (*rcm.Encounter, error)
	FindPracticeByID(ctx context.Context, id int64) (*rcm.Practice, error)
	FindDenials(ctx context.Context, f remit.DenialFilter) ([]*remit.Denial, error)
}

// BuildLetter gathers an appeal's letter from its claim: the payer, the
// patient and member ID, the claim and payer claim numbers, the dates of
// service and codes, and the denial's reason and remark codes in words.
func BuildLetter(ctx context.Context, st LetterStore, ap *Appeal) (*Letter, error) {
	c, err := st.FindClaimByID(ctx, ap.ClaimID)
	if err != nil {
		return nil, err
	}
	l := &Letter{Date: ap.SentOn, Claim: c, PayerClaim: c.PayerClaimNumber, Appeal: ap, PayerAddress: ap.PayerAddress}
	if l.Patient, err = st.FindPatientByID(ctx, c.PatientID); err != nil {
		return nil, err
	}
	cov, err := st.FindCoverageByID(ctx, c.CoverageID)
	if err != nil {
		return nil, err
	}
	l.MemberID = cov.MemberID
	py, err := st.FindPayerByID(ctx, c.PayerID)
	if err != nil {
		return nil, err
	}
	l.PayerName = py.Name
	enc, err := st.FindEncounterByID(ctx, c.EncounterID)
	if err != nil {
		return nil, err
	}
	if l.Practice, err = st.FindPracticeByID(ctx, enc.PracticeID); err != nil {
		return nil, err
	}
	for offset := 0; ; offset += 1000 {
		ds, err := st.FindDenials(ctx, remit.DenialFilter{PayerID: c.PayerID, Limit: 1000, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.ClaimID == c.ID {
				l.Denials = append(l.Denials, d)
			}
		}
		if len(ds) < 1000 {
			break
		}
	}
	remit.Explain(l.Denials, carc.NewSet(carc.Starter()...))
	return l, nil
}

// Subject is the letter's reference line.
func (l *Letter) Subject() string {
	level := map[string]string{LevelFirst: "First-level appeal", LevelSecond: "Second-level appeal", LevelExternal: "Request for external review"}[l.Appeal.Level]
	return fmt.Sprintf("%s: claim %s", level, l.Claim.ControlNumber)
}
