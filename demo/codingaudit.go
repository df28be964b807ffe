package demo

import (
	"context"
	"fmt"
	"slices"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codingaudit"
)

// CoderUsername and AuditorUsername are the demo's coder and auditor (the
// admin's password with "-coder" and "-auditor" added).
const (
	CoderUsername   = "demo.coder"
	AuditorUsername = "demo.auditor"
)

// slip is what the demo coder gets wrong on a kind of visit (by its place
// in visits), the slips a real audit finds: a code missed, the wrong
// sequence, a modifier dropped, units or a visit level off.
var slips = map[int]func(v visit) visit{
	0: func(v visit) visit { // I10 listed first; the visit billed a level low
		v.dx = []string{"I10", "E11.9"}
		v.lines = slices.Clone(v.lines)
		v.lines[0].code = "99213"
		return v
	},
	1: func(v visit) visit { // the waived test without QW
		v.lines = slices.Clone(v.lines)
		v.lines[1].modifiers = nil
		return v
	},
	3: func(v visit) visit { // the strain missed
		v.dx = []string{"M54.50"}
		v.lines = []visitLine{{"99213", nil, 1, []int{1}}}
		return v
	},
	6: func(v visit) visit { // two nebulizer treatments billed for one
		v.lines = slices.Clone(v.lines)
		v.lines[1].units = 2
		return v
	},
	7: func(v visit) visit { // depression unspecified, and a level too low
		v.dx = []string{"F32.9"}
		v.lines = []visitLine{{"99213", nil, 1, []int{1}}}
		return v
	},
}

// codingAudit has a coder code one visit of each kind, with the slips
// above, and an auditor draw a seeded sample of them, re-code it blind and
// read the report: the coder's agreement and dollars, and the suggestions
// read from the same notes scored beside the coder.
func (r *run) codingAudit(ctx context.Context) (context.Context, error) {
	org := r.res.Org.ID
	coder := &rcm.User{OrgID: org, Username: CoderUsername, Name: "Casey Coder", Role: rcm.RoleCoder}
	auditor := &rcm.User{OrgID: org, Username: AuditorUsername, Name: "Alex Auditor", Role: rcm.RoleAuditor}
	for _, u := range []*rcm.User{coder, auditor} {
		if err := r.db.CreateUser(ctx, u, AdminPassword+"-"+u.Role); err != nil {
			return ctx, err
		}
	}
	as := func(u *rcm.User) context.Context {
		return rcm.NewContextWithActor(ctx, rcm.Actor{UserID: u.ID, OrgID: org, Role: u.Role, Reason: "demo"})
	}
	first := rcm.DateOf(Start).AddDays(-30)
	truth := map[int64]codingaudit.Coding{}
	for i, v := range visits {
		coded := v
		if slip := slips[i]; slip != nil {
			coded = slip(v)
		}
		p := r.res.Patients[i%len(r.res.Patients)]
		e := &rcm.Encounter{PatientID: p.ID, PracticeID: r.res.Practice.ID, RenderingProviderID: r.res.Providers[i%len(r.res.Providers)].ID,
			DateOfService: first.AddDays(i * 3), PlaceOfService: "11", Note: v.note, Status: rcm.EncounterCoded}
		for _, d := range coded.dx {
			e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: d})
		}
		for _, l := range coded.lines {
			e.Lines = append(e.Lines, rcm.ServiceLine{Code: l.code, Modifiers: l.modifiers, Units: l.units, Pointers: l.pointers})
		}
		if err := r.db.CreateEncounter(as(coder), e); err != nil {
			return ctx, err
		}
		key := codingaudit.Coding{Diagnoses: v.dx}
		for _, l := range v.lines {
			key.Lines = append(key.Lines, codingaudit.Line{Code: l.code, Modifiers: l.modifiers, Units: l.units})
		}
		truth[e.ID] = key
	}
	r.printf("%s coded %d visits from %s to %s (ready for billing)", CoderUsername, len(visits), first, first.AddDays(3*(len(visits)-1)))
	actx := as(auditor)
	au, err := codingaudit.Draw(actx, r.db, codingaudit.DrawRequest{CoderID: coder.ID, From: first, To: rcm.DateOf(Start), Size: 5, Seed: int64(r.opt.Seed)})
	if err != nil {
		return ctx, err
	}
	var ids []string
	for _, it := range au.Items {
		ids = append(ids, fmt.Sprint(it.EncounterID))
	}
	r.printf("%s drew audit %d: %d of %d encounters with seed %d (%v), coder's codes hidden", AuditorUsername, au.ID, len(au.Items), au.Frame, au.Seed, ids)
	cat := codeset.NewCatalog(codeset.Starter())
	for _, it := range au.Items {
		if _, err := codingaudit.Recode(actx, r.db, cat, au.ID, it.EncounterID, truth[it.EncounterID]); err != nil {
			return ctx, err
		}
	}
	rep, err := codingaudit.MakeReport(actx, r.db, cat, au.ID)
	if err != nil {
		return ctx, err
	}
	for _, row := range rep.Rows() {
		s := row.Score
		r.printf("%-22s dx precision %s recall %s, procedures %s/%s, first-listed %s, modifiers %s, units %s, over-coded %s, under-coded %s",
			row.Who+":", codingaudit.Pct(s.DxPrecision()), codingaudit.Pct(s.DxRecall()), codingaudit.Pct(s.ProcPrecision()), codingaudit.Pct(s.ProcRecall()),
			codingaudit.Pct(s.FirstListedRate()), codingaudit.Pct(s.ModifiersRate()), codingaudit.Pct(s.UnitsRate()), s.OverCoded.Dollars(), s.UnderCoded.Dollars())
	}
	for i, d := range rep.Coder.Diffs {
		if i == 3 {
			r.printf("  ... %d differences in all (rcm audit-coding report %d --as %s)", len(rep.Coder.Diffs), au.ID, AuditorUsername)
			break
		}
		r.printf("  %s", d.Text())
	}
	return ctx, nil
}
