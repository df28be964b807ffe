package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/sqldb"
)

// claimRow is one claim of `rcm claim list --json`: the claim with the
// names a person reads beside it.
type claimRow struct {
	*rcm.Claim
	ClaimNumber string `json:"claim_number"`
	Account     string `json:"account_number"`
	PatientName string `json:"patient_name"`
	PayerName   string `json:"payer_name"`
	PayerCode   string `json:"payer_code"`
	Charge      string `json:"total_charge"`
}

// listClaims prints the claims, newest first, by claim number, patient and
// payer name. The closing line gives the billed measure over them
// (rcm.BilledOf, the number the workbench and the API give) and says what
// it counts.
func listClaims(ctx context.Context, env *Env, db *sqldb.DB, state, payerRef string, format listFormat) error {
	f := rcm.ClaimFilter{State: state, Limit: 1000}
	if payerRef != "" {
		p, err := lookup.Payer(ctx, db, payerRef)
		if err != nil {
			return err
		}
		f.PayerID = p.ID
	}
	cs, err := db.FindClaims(ctx, f)
	if err != nil {
		return err
	}
	payers, err := payerIndex(ctx, db)
	if err != nil {
		return err
	}
	patients, err := patientIndex(ctx, db, cs)
	if err != nil {
		return err
	}
	rows := make([]claimRow, len(cs))
	for i, c := range cs {
		pt := patients[c.PatientID]
		rows[i] = claimRow{Claim: c, ClaimNumber: c.ControlNumber, PayerName: payerName(payers, c.PayerID), Charge: c.TotalCharge().Dollars()}
		if p, ok := payers[c.PayerID]; ok {
			rows[i].PayerCode = p.PayerID
		}
		if pt != nil {
			rows[i].Account, rows[i].PatientName = pt.AccountNumber, pt.LastName+", "+pt.FirstName
		}
	}
	t := &table{header: []string{"CLAIM", "DOS", "ACCOUNT", "PATIENT", "PAYER", "FREQ", "CHARGE", "STATE"}, none: "No claims match."}
	for _, r := range rows {
		t.add(r.ClaimNumber, r.DateOfService.String(), r.Account, r.PatientName, r.PayerName, frequencyWord(r.Frequency), r.Charge, r.State)
	}
	billed := rcm.BilledOf(cs)
	t.total = fmt.Sprintf("%s; %s billed on %d: %s.", plural(len(rows), "claim"), billed.Amount.Dollars(), billed.Claims, billed.Meaning)
	return format.print(env.Stdout, t, rows)
}

// frequencyWord names a claim frequency code (CLM05-3).
func frequencyWord(code string) string {
	switch code {
	case "1", "":
		return "original"
	case "7":
		return "replacement"
	case "8":
		return "void"
	}
	return code
}

// payerIndex maps payer ids to payers, for listings that print names.
func payerIndex(ctx context.Context, db *sqldb.DB) (map[int64]*rcm.Payer, error) {
	ps, err := db.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]*rcm.Payer, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m, nil
}

// payerName is the payer's name, or a placeholder naming the id when the
// payer is gone (never expected: payers are not deleted).
func payerName(m map[int64]*rcm.Payer, id int64) string {
	if p, ok := m[id]; ok {
		return p.Name
	}
	return "unknown payer #" + strconv.FormatInt(id, 10)
}

// patientIndex reads the claims' patients in one audited list read.
func patientIndex(ctx context.Context, db *sqldb.DB, cs []*rcm.Claim) (map[int64]*rcm.Patient, error) {
	m := map[int64]*rcm.Patient{}
	var ids []int64
	for _, c := range cs {
		if _, ok := m[c.PatientID]; !ok {
			m[c.PatientID] = nil
			ids = append(ids, c.PatientID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		ps, err := db.FindPatients(ctx, rcm.PatientFilter{IDs: ids[:n], Limit: n})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			m[p.ID] = p
		}
		ids = ids[n:]
	}
	return m, nil
}
