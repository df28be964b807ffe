package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/hl7"
)

// chargeFile writes the visits as the EHR's charge interface sends them, one
// DFT^P03 per visit (PID, PV1 with the visit number, DG1 diagnoses in
// order, FT1 charges with modifiers, units, the date of service and the
// performing provider's NPI, NTE the note), and imports the file through
// the path `rcm hl7 import` takes. It returns the encounters made, in the
// order of the visits.
func (r *run) chargeFile(ctx context.Context, visits []*rcm.Encounter, accounts []string) ([]*rcm.Encounter, error) {
	npis := map[int64]string{}
	for _, p := range r.res.Providers {
		npis[p.ID] = p.NPI
	}
	d := hl7.DefaultDelimiters
	var b strings.Builder
	for i, e := range visits {
		stamp := rcm.DateOf(Start).AddDays(-1)
		dos := fmt.Sprintf("%04d%02d%02d", e.DateOfService.Year, int(e.DateOfService.Month), e.DateOfService.Day)
		fmt.Fprintf(&b, "MSH|^~\\&|DEMOEHR|LAKESIDE|OPENRCM|LAKESIDE|%04d%02d%02d180000||DFT^P03^DFT_P03|DEMO-DFT-%04d|P|2.5.1\r",
			stamp.Year, int(stamp.Month), stamp.Day, i+1)
		fmt.Fprintf(&b, "EVN|P03|%s170000\r", dos)
		fmt.Fprintf(&b, "PID|1||%s^^^LAKESIDE^MR\r", hl7.Escape(accounts[i], d))
		fmt.Fprintf(&b, "PV1|1|O|||||%s||||||||||||DEMO-V%04d\r", npis[e.RenderingProviderID], i+1)
		for k, dx := range e.Diagnoses {
			fmt.Fprintf(&b, "DG1|%d||%s^^I10\r", k+1, dx.Code)
		}
		for k, l := range e.Lines {
			var ptr []string
			for _, p := range l.Pointers {
				ptr = append(ptr, e.Diagnoses[p-1].Code)
			}
			// FT1-4 date, -6 type, -7 code, -10 units, -19 diagnoses,
			// -20 performed by, -25 procedure code, -26 modifiers.
			b.WriteString(segment("FT1", map[int]string{1: fmt.Sprint(k + 1), 4: dos, 6: "CG", 7: l.Code, 10: fmt.Sprint(l.Units),
				19: strings.Join(ptr, "~"), 20: npis[e.RenderingProviderID], 25: l.Code, 26: strings.Join(l.Modifiers, "~")}))
		}
		fmt.Fprintf(&b, "NTE|1||%s\r", hl7.Escape(e.Note, d))
		b.WriteByte('\n')
	}
	dir, err := os.MkdirTemp("", "rcm-demo-hl7-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "charges.hl7")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	rc := &hl7.Receiver{Store: r.db, Clock: r.db.Clock, Codes: codeset.Checker{Catalog: codeset.NewCatalog(codeset.Starter())}}
	results, err := rc.ImportFile(ctx, data)
	if err != nil {
		return nil, err
	}
	var out []*rcm.Encounter
	for i, res := range results {
		if res.Ack.Code != hl7.AA {
			return nil, fmt.Errorf("charge message %d (%s): %s at %s: %s", i+1, res.ControlID, res.Ack.Code, res.Ack.Location, res.Ack.Text)
		}
		e, err := r.db.FindEncounterByID(ctx, res.EncounterID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	r.printf("%d visits came from the EHR's charge interface: %d HL7 DFT^P03 messages imported and acknowledged AA (%d bytes)", len(out), len(results), len(data))
	return out, nil
}

// documentVisits stores the visits the demo coded: most arrive from the
// EHR as an HL7 charge file; the few the demo keeps for its later steps (a
// coder's typo the scrubber catches, which an interface would refuse) are
// entered directly.
func (r *run) documentVisits(ctx context.Context) error {
	var viaHL7 []*rcm.Encounter
	var accounts []string
	var at []int
	for i, e := range r.res.Encounters {
		direct := false
		for _, d := range e.Diagnoses {
			if d.Code == "I10.0" {
				direct = true
			}
		}
		if direct {
			if err := r.db.CreateEncounter(ctx, e); err != nil {
				return fmt.Errorf("encounter for patient %d: %w", e.PatientID, err)
			}
			continue
		}
		viaHL7 = append(viaHL7, e)
		accounts = append(accounts, r.res.Patients[i].AccountNumber)
		at = append(at, i)
	}
	got, err := r.chargeFile(ctx, viaHL7, accounts)
	if err != nil {
		return err
	}
	for k, e := range got {
		r.res.Encounters[at[k]] = e
	}
	return nil
}

// segment writes an HL7 segment from its fields by number (values already
// escaped), ended by CR.
func segment(name string, fields map[int]string) string {
	n := 0
	for k := range fields {
		n = max(n, k)
	}
	out := make([]string, n+1)
	out[0] = name
	for k, v := range fields {
		out[k] = v
	}
	return strings.Join(out, "|") + "\r"
}
