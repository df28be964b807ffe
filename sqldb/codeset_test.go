package sqldb_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codeset/codesettest"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

func TestCodeSetStore(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			ctx := context.Background()
			store := db.CodeSets()
			codes := &codeset.Release{System: codeset.ICD10CM, Version: "FY2025", Effective: rcm.MustParseDate("2024-10-01"), Sources: []string{"order.txt"},
				Codes: []codeset.Code{{Code: "E11", Short: "Type 2 DM", Long: "Type 2 diabetes mellitus"}, {Code: "E119", Billable: true, Short: "Type 2 DM w/o comp", Long: "Type 2 diabetes mellitus without complications"}}}
			index := &codeset.Release{System: codeset.ICD10CM, Version: "FY2025", Effective: rcm.MustParseDate("2024-10-01"), Sources: []string{"index.csv"},
				Index: []codeset.IndexEntry{{Level: 0, Term: "Diabetes, diabetic", NonEss: "(mellitus)", Code: "E11.9", Parent: -1}, {Level: 1, Term: "type 2", See: "Diabetes, type 2", Parent: 0}},
				Notes: []codeset.Note{{Code: "E11", Kind: codeset.NoteUseAdditional, Text: "code to identify insulin use (Z79.4)"}}}
			for _, r := range []*codeset.Release{codes, index} {
				if err := store.SaveRelease(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			org, err := createOrg(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			cpt := &codeset.Release{System: codeset.CPT, Version: "2025", Effective: rcm.MustParseDate("2025-01-01"), Org: org, Sources: []string{"cpt.csv"},
				Codes: []codeset.Code{{Code: "99213", Billable: true, Long: "descriptor from the user's licensed file"}}}
			if err := store.SaveRelease(ctx, cpt); err != nil {
				t.Fatal(err)
			}
			got, err := store.Releases(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []*codeset.Release{
				{System: codeset.CPT, Version: "2025", Effective: rcm.MustParseDate("2025-01-01"), Org: org, Sources: []string{"cpt.csv"}, Codes: cpt.Codes},
				{System: codeset.ICD10CM, Version: "FY2025", Effective: rcm.MustParseDate("2024-10-01"), Sources: []string{"order.txt", "index.csv"},
					Codes: codes.Codes, Notes: index.Notes, Index: index.Index},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("releases mismatch (-want +got):\n%s", diff)
			}

			// A failing save changes nothing: the duplicate code violates
			// the key after the old codes were deleted in the same
			// transaction.
			bad := &codeset.Release{System: codeset.ICD10CM, Version: "FY2025", Effective: rcm.MustParseDate("2024-10-01"), Sources: []string{"bad.txt"},
				Codes: []codeset.Code{{Code: "I10", Billable: true, Long: "a"}, {Code: "I10", Billable: true, Long: "b"}}}
			if err := store.SaveRelease(ctx, bad); err == nil {
				t.Fatal("saving duplicate codes succeeded")
			}
			again, err := store.Releases(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("failed save changed the store (-before +after):\n%s", diff)
			}

			// CPT is licensed: it needs its organization.
			if err := store.SaveRelease(ctx, &codeset.Release{System: codeset.CPT, Version: "2026", Effective: rcm.MustParseDate("2026-01-01"), Codes: cpt.Codes}); rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("CPT without organization: err = %v, want invalid", err)
			}
		})
	}
}

func createOrg(ctx context.Context, db *sqldb.DB) (string, error) {
	org := &rcm.Organization{Name: "Licensee Clinic"}
	if err := db.CreateOrganization(ctx, org); err != nil {
		return "", err
	}
	return strconv.FormatInt(org.ID, 10), nil
}

// TestCodeSetImportShared stores the full FY2022 order file and loads it
// back, on both databases.
func TestCodeSetImportShared(t *testing.T) {
	p := codesettest.File(t, "icd10cm/icd10cm_order_2022.txt")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			ctx := context.Background()
			start := time.Now()
			ims, err := codeset.ImportFile(p, data, codeset.ImportOptions{})
			if err != nil || len(ims[0].Errors) > 0 {
				t.Fatal(err, ims[0].Errors)
			}
			if err := db.CodeSets().SaveRelease(ctx, ims[0].Releases[0]); err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			rels, err := db.CodeSets().Releases(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(rels) != 1 || len(rels[0].Codes) != 95524 {
				t.Fatalf("loaded %d releases", len(rels))
			}
			// The 2 s budget is measured by BenchmarkImportOrderFile: under
			// the race detector SQLite runs tens of times slower.
			t.Logf("%s: imported 95,524 codes in %v", dialect, took)
		})
	}
}

// BenchmarkImportOrderFile parses the full FY2022 order file and stores it
// in SQLite in one transaction (the budget: under 2 s).
func BenchmarkImportOrderFile(b *testing.B) {
	p := codesettest.File(b, "icd10cm/icd10cm_order_2022.txt")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		db := sqldbtest.Open(b, sqldb.SQLite)
		b.StartTimer()
		ims, err := codeset.ImportFile(p, data, codeset.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CodeSets().SaveRelease(context.Background(), ims[0].Releases[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCatalog loads ICD-10-CM (FY2022 codes, FY2025 index) from
// SQLite and builds the in-memory catalog, as start-up does (budget: 1 s).
func BenchmarkLoadCatalog(b *testing.B) {
	db := sqldbtest.Open(b, sqldb.SQLite)
	ctx := context.Background()
	for _, f := range []string{"icd10cm/icd10cm_order_2022.txt", "icd10cm/ICD10CM_2025_Index.csv", "hcpcs/hcpcs_2025_oct_long_desc.csv"} {
		p := codesettest.File(b, f)
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		ims, err := codeset.ImportFile(p, data, codeset.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range ims[0].Releases {
			if err := db.CodeSets().SaveRelease(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	var cpu time.Duration
	for b.Loop() {
		c0 := processCPU()
		rels, err := db.CodeSets().Releases(ctx)
		if err != nil {
			b.Fatal(err)
		}
		codeset.NewCatalog(rels).Warm()
		cpu += processCPU() - c0
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}
