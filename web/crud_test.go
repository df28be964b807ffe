package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// crudCase describes one resource's round trip: create, read, list,
// replace, read again.
type crudCase[T any] struct {
	collection string // POST creates here and GET lists
	item       string // prefix of /{id}
	listKey    string
	create     T
	update     func(T) T
	id         func(*T) *int64
}

// roundTrip runs c as the admin and returns the record as finally stored.
func roundTrip[T any](t *testing.T, e *testEnv, c crudCase[T]) T {
	t.Helper()
	var got T
	r := e.request(t, "POST", c.collection, e.admin, mustJSON(t, c.create))
	r.decode(t, http.StatusCreated, &got)
	id := *c.id(&got)
	if id <= 0 {
		t.Fatalf("created id = %d", id)
	}
	url := c.item + strconv.FormatInt(id, 10)
	if loc := r.header.Get("Location"); loc != url {
		t.Errorf("Location = %q, want %q", loc, url)
	}
	want := c.create
	*c.id(&want) = id
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST %s mismatch (-want +got):\n%s", c.collection, diff)
	}

	got = *new(T)
	e.request(t, "GET", url, e.admin, "").decode(t, http.StatusOK, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s mismatch (-want +got):\n%s", url, diff)
	}

	var list map[string][]T
	e.request(t, "GET", c.collection, e.admin, "").decode(t, http.StatusOK, &list)
	found := false
	for _, v := range list[c.listKey] {
		if *c.id(&v) == id {
			found = true
			if diff := cmp.Diff(want, v); diff != "" {
				t.Errorf("GET %s item mismatch (-want +got):\n%s", c.collection, diff)
			}
		}
	}
	if !found {
		t.Errorf("GET %s: %q does not list id %d", c.collection, c.listKey, id)
	}

	want = c.update(want)
	got = *new(T)
	e.request(t, "PUT", url, e.admin, mustJSON(t, want)).decode(t, http.StatusOK, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PUT %s mismatch (-want +got):\n%s", url, diff)
	}
	got = *new(T)
	e.request(t, "GET", url, e.admin, "").decode(t, http.StatusOK, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s after PUT mismatch (-want +got):\n%s", url, diff)
	}
	return got
}

func TestCRUD(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *testEnv) {
		var practice rcm.Practice
		t.Run("practices", func(t *testing.T) {
			practice = roundTrip(t, e, crudCase[rcm.Practice]{
				collection: "/api/v1/practices", item: "/api/v1/practices/", listKey: "practices",
				create: rcm.Practice{Name: "Lakeside Family Medicine", NPI: "1234567893", TIN: "123456789", Taxonomy: "207Q00000X", Address: testAddress()},
				update: func(p rcm.Practice) rcm.Practice { p.Name, p.Phone = "Lakeside Medicine", "2175550100"; return p },
				id:     func(p *rcm.Practice) *int64 { return &p.ID },
			})
		})
		var provider rcm.Provider
		t.Run("providers", func(t *testing.T) {
			provider = roundTrip(t, e, crudCase[rcm.Provider]{
				collection: "/api/v1/providers", item: "/api/v1/providers/", listKey: "providers",
				create: rcm.Provider{PracticeID: practice.ID, FirstName: "Gil", LastName: "Doctor", NPI: "1245319599", Taxonomy: "207Q00000X"},
				update: func(p rcm.Provider) rcm.Provider { p.LastName = "Doctorow"; return p },
				id:     func(p *rcm.Provider) *int64 { return &p.ID },
			})
		})
		var payer rcm.Payer
		t.Run("payers", func(t *testing.T) {
			payer = roundTrip(t, e, crudCase[rcm.Payer]{
				collection: "/api/v1/payers", item: "/api/v1/payers/", listKey: "payers",
				create: rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI", TimelyFilingDays: 90},
				update: func(p rcm.Payer) rcm.Payer { p.TimelyFilingDays, p.FilingIndicator = 180, "BL"; return p },
				id:     func(p *rcm.Payer) *int64 { return &p.ID },
			})
		})
		var patient rcm.Patient
		t.Run("patients", func(t *testing.T) {
			patient = roundTrip(t, e, crudCase[rcm.Patient]{
				collection: "/api/v1/patients", item: "/api/v1/patients/", listKey: "patients",
				create: rcm.Patient{AccountNumber: "A1001", FirstName: "Ada", LastName: "Testpatient",
					BirthDate: rcm.MustParseDate("1980-02-29"), Sex: "F", Address: testAddress()},
				update: func(p rcm.Patient) rcm.Patient {
					p.MiddleName, p.Phone, p.Address.Line2 = "Q", "2175550123", "Apt 4"
					return p
				},
				id: func(p *rcm.Patient) *int64 { return &p.ID },
			})
		})
		if t.Failed() {
			t.FailNow()
		}
		t.Run("coverages", func(t *testing.T) {
			pid := strconv.FormatInt(patient.ID, 10)
			roundTrip(t, e, crudCase[rcm.Coverage]{
				collection: "/api/v1/patients/" + pid + "/coverages", item: "/api/v1/coverages/", listKey: "coverages",
				create: rcm.Coverage{PatientID: patient.ID, PayerID: payer.ID, Order: 1, MemberID: "XYZ123456789", GroupNumber: "G100",
					Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")},
				update: func(c rcm.Coverage) rcm.Coverage {
					c.EffectiveTo = rcm.MustParseDate("2025-12-31")
					c.Relationship = "19"
					c.Subscriber = &rcm.Subscriber{FirstName: "Bo", LastName: "Testpatient", BirthDate: rcm.MustParseDate("1955-06-01"), Sex: "M", Address: testAddress()}
					return c
				},
				id: func(c *rcm.Coverage) *int64 { return &c.ID },
			})
		})
		t.Run("encounters", func(t *testing.T) {
			enc := roundTrip(t, e, crudCase[rcm.Encounter]{
				collection: "/api/v1/encounters", item: "/api/v1/encounters/", listKey: "encounters",
				create: rcm.Encounter{PatientID: patient.ID, PracticeID: practice.ID, RenderingProviderID: provider.ID,
					DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Note: "Follow-up visit.", Status: rcm.EncounterOpen,
					Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}},
					Lines:     []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 12550, Pointers: []int{1}}}},
				update: func(en rcm.Encounter) rcm.Encounter {
					en.Status = rcm.EncounterCoded
					en.Diagnoses = append(en.Diagnoses, rcm.Diagnosis{Code: "I10"})
					en.Lines = append(en.Lines, rcm.ServiceLine{Code: "36415", Modifiers: []string{"59"}, Units: 1, Charge: 1500, Pointers: []int{1, 2}})
					return en
				},
				id: func(en *rcm.Encounter) *int64 { return &en.ID },
			})
			// The list filters must select it, and other values must not.
			for _, tt := range []struct {
				query string
				want  int
			}{
				{"?patient_id=" + strconv.FormatInt(patient.ID, 10), 1},
				{"?patient_id=" + strconv.FormatInt(patient.ID, 10) + "&status=coded", 1},
				{"?status=open", 0},
				{"?patient_id=" + strconv.FormatInt(patient.ID+1000, 10), 0},
				{"?limit=1&offset=1", 0},
			} {
				var list map[string][]rcm.Encounter
				e.request(t, "GET", "/api/v1/encounters"+tt.query, e.admin, "").decode(t, http.StatusOK, &list)
				if got := len(list["encounters"]); got != tt.want {
					t.Errorf("GET /api/v1/encounters%s: %d encounters, want %d", tt.query, got, tt.want)
				} else if got == 1 && list["encounters"][0].ID != enc.ID {
					t.Errorf("GET /api/v1/encounters%s: got encounter %d, want %d", tt.query, list["encounters"][0].ID, enc.ID)
				}
			}
		})
		t.Run("patient search", func(t *testing.T) {
			for _, tt := range []struct {
				query string
				want  int
			}{
				{"", 1}, {"?name=test", 1}, {"?name=ad", 1}, {"?name=zed", 0}, {"?limit=1", 1}, {"?offset=1", 0},
			} {
				var list map[string][]rcm.Patient
				e.request(t, "GET", "/api/v1/patients"+tt.query, e.admin, "").decode(t, http.StatusOK, &list)
				if got := len(list["patients"]); got != tt.want {
					t.Errorf("GET /api/v1/patients%s: %d patients, want %d", tt.query, got, tt.want)
				}
				if list["patients"] == nil {
					t.Errorf("GET /api/v1/patients%s: patients is null, want a list", tt.query)
				}
			}
		})
	})
}
