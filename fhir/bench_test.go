package fhir_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/openrcm/openrcm/sqldb"
)

// bigBundle is n patients, each with a coverage and an encounter coded with
// a diagnosis and a procedure, sharing one practitioner and one payer.
func bigBundle(n int) []byte {
	entries := []any{
		map[string]any{"resource": map[string]any{"resourceType": "Practitioner", "id": "dr",
			"identifier": []any{map[string]any{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1245319599"}}}},
		map[string]any{"resource": map[string]any{"resourceType": "Organization", "id": "acme", "identifier": []any{map[string]any{"value": "ACME1"}}}},
	}
	for i := range n {
		p := fmt.Sprintf("p%d", i)
		e := fmt.Sprintf("e%d", i)
		entries = append(entries,
			map[string]any{"resource": map[string]any{"resourceType": "Patient", "id": p,
				"identifier": []any{map[string]any{"type": map[string]any{"coding": []any{map[string]any{"code": "MR"}}}, "value": fmt.Sprintf("BF%07d", i)}},
				"name":       []any{map[string]any{"family": "Bench", "given": []any{fmt.Sprintf("Pat%d", i)}}}, "gender": "female", "birthDate": "1970-01-01",
				"address": []any{map[string]any{"line": []any{"1 Main St"}, "city": "Springfield", "state": "IL", "postalCode": "62704"}}}},
			map[string]any{"resource": map[string]any{"resourceType": "Coverage", "id": "c" + p, "status": "active", "subscriberId": fmt.Sprintf("M%07d", i),
				"beneficiary": map[string]any{"reference": "Patient/" + p}, "payor": []any{map[string]any{"reference": "Organization/acme"}}, "order": 1,
				"period": map[string]any{"start": "2025-01-01"}}},
			map[string]any{"resource": map[string]any{"resourceType": "Encounter", "id": e, "status": "finished",
				"identifier": []any{map[string]any{"system": "urn:bench", "value": e}}, "class": map[string]any{"code": "AMB"},
				"subject": map[string]any{"reference": "Patient/" + p}, "participant": []any{map[string]any{"individual": map[string]any{"reference": "Practitioner/dr"}}},
				"period": map[string]any{"start": "2025-12-15"}}},
			map[string]any{"resource": map[string]any{"resourceType": "Condition", "id": "d" + e, "subject": map[string]any{"reference": "Patient/" + p},
				"encounter": map[string]any{"reference": "Encounter/" + e}, "code": map[string]any{"coding": []any{map[string]any{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"}}}}},
			map[string]any{"resource": map[string]any{"resourceType": "Procedure", "id": "x" + e, "status": "completed", "subject": map[string]any{"reference": "Patient/" + p},
				"encounter": map[string]any{"reference": "Encounter/" + e}, "code": map[string]any{"coding": []any{map[string]any{"system": "http://www.ama-assn.org/go/cpt", "code": "99213"}}}}},
		)
	}
	b, _ := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "transaction", "entry": entries})
	return b
}

// BenchmarkBundleImport imports a bundle of 1,000 and of 10,000 patients
// with coverages and encounters into SQLite in one transaction; the figure
// is patients per second, and the growth from 1,000 to 10,000 shows
// whether the import stays linear.
func BenchmarkBundleImport(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			data := bigBundle(n)
			for b.Loop() {
				b.StopTimer()
				f := setup(b, sqldb.SQLite)
				b.StartTimer()
				res, err := f.im.Import(f.ctx, data)
				if err != nil {
					b.Fatal(err)
				}
				if res.PatientsCreated != n || res.EncountersCreated != n {
					b.Fatalf("%s", res)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "patients/s")
			b.ReportMetric(float64(len(data)), "bytes")
		})
	}
}
