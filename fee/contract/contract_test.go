package contract_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fee"
	"github.com/openrcm/openrcm/fee/contract"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

const header = "code,modifier,allowed,effective_from,effective_to,per_unit\n"

func TestParse(t *testing.T) {
	f, err := os.Open("testdata/acme.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := contract.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	d, m := rcm.MustParseDate, rcm.MustParseMoney
	want := []contract.Row{
		{Line: 2, Rate: rcm.ContractRate{Code: "99213", Allowed: m("92.40"), EffectiveFrom: d("2026-01-01")}},
		{Line: 3, Rate: rcm.ContractRate{Code: "99214", Allowed: m("130"), EffectiveFrom: d("2026-01-01")}},
		{Line: 4, Rate: rcm.ContractRate{Code: "99214", Modifier: "25", Allowed: m("135"), EffectiveFrom: d("2026-01-01"), EffectiveTo: d("2026-12-31")}},
		{Line: 5, Rate: rcm.ContractRate{Code: "97110", Modifier: "GP", Allowed: m("31.15"), PerUnit: true, EffectiveFrom: d("2026-01-01")}},
		{Line: 6, Rate: rcm.ContractRate{Code: "36415", Allowed: m("8"), EffectiveFrom: d("2025-01-01"), EffectiveTo: d("2025-12-31")}},
		{Line: 7, Rate: rcm.ContractRate{Code: "36415", Allowed: m("10"), EffectiveFrom: d("2026-01-01")}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestParseErrors: each bad file is refused with the line and column of
// its mistake.
func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "line 1: the file is empty"},
		{"unknown column", "code,price,effective_from\n", `line 1, price: unknown column "price"`},
		{"missing allowed", "code,effective_from\n99213,2026-01-01\n", "line 1, allowed: the header lacks this required column"},
		{"no entries", header, "line 2: the file has a header but no entries"},
		{"bad amount", header + "99213,,12.3.4,2026-01-01,,\n", `line 2, allowed: "12.3.4" is not an amount`},
		{"negative", header + "99213,,-1.00,2026-01-01,,\n", "line 2, allowed: -1.00 is negative; an allowed amount is never below zero"},
		{"short code", header + "99213,,1.00,2026-01-01,,\n9921,,1.00,2026-01-01,,\n", `line 3, code: "9921" is not a five-character`},
		{"bad modifier", header + "99213,GPX,1.00,2026-01-01,,\n", `line 2, modifier: "GPX" is not a two-character modifier`},
		{"bad date", header + "99213,,1.00,2026-02-30,,\n", `line 2, effective_from: "2026-02-30" is not a date`},
		{"ends before", header + "99213,,1.00,2026-02-01,2026-01-01,\n", "line 2, effective_to: 2026-01-01 is before effective_from 2026-02-01"},
		{"per unit", header + "97110,,1.00,2026-01-01,,maybe\n", `line 2, per_unit: "maybe" is not yes or no`},
		{"field count", header + "99213,,1.00\n", "line 2: 3 fields, but the header has 6"},
		{"overlap", header + "99213,,1.00,2026-01-01,2026-06-30,\n99213,,2.00,2026-06-01,,\n", "line 3, effective_from: 99213 from 2026-06-01 overlaps line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := contract.Parse(strings.NewReader(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want it to start with %q", err, tt.want)
			}
			if !errors.Is(err, fee.ErrInvalid) {
				t.Errorf("%v does not wrap fee.ErrInvalid", err)
			}
		})
	}
}

// TestImport stores the sample file for a payer through the door every
// caller uses, on both databases; a file with a bad row, an unknown code
// or an overlap with a stored rate changes nothing; Set edits one rate.
func TestImport(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			known := func(code string, _ rcm.Date) bool { return code != "99999" }
			src, err := os.ReadFile("testdata/acme.csv")
			if err != nil {
				t.Fatal(err)
			}
			if n, err := contract.Import(ctx, db, known, s.Payer, bytes.NewReader(src)); err != nil || n != 6 {
				t.Fatalf("Import = %d, %v", n, err)
			}
			q := rcm.ContractQuery{PayerID: s.Payer.ID, Code: "97110", Modifier: "GP", On: rcm.MustParseDate("2026-05-01")}
			if r, err := db.FindContractRateFor(ctx, q); err != nil || r.Expected(4) != rcm.MustParseMoney("124.60") {
				t.Errorf("97110-GP x4 = %v, %v; want 124.60", r, err)
			}
			// The same file again replaces, rate for rate.
			if n, err := contract.Import(ctx, db, known, s.Payer, bytes.NewReader(src)); err != nil || n != 6 {
				t.Errorf("second import = %d, %v", n, err)
			}
			before, _ := db.FindContractRates(ctx, rcm.ContractFilter{})
			for _, tt := range []struct{ name, in, field, msg string }{
				{"bad row", header + "99215,,150.00,2026-01-01,,\n99215,,x,2027-01-01,,\n", "allowed", `Line 3, allowed: "x" is not an amount such as 125.00.`},
				{"unknown code", header + "99215,,1.00,2026-01-01,,\n99999,,1.00,2026-01-01,,\n", "code", "Line 3, code: 99999 is not a CPT or HCPCS code in force on 2026-01-01."},
				{"overlaps stored", header + "99215,,1.00,2026-01-01,,\n36415,,1.00,2025-06-01,,\n", "effective_from",
					"Line 3, effective_from: 36415 from 2025-06-01 overlaps the stored rate 36415 from 2025-01-01 to 2025-12-31 of " + s.Payer.Name + "; end one before the other starts."},
			} {
				_, err := contract.Import(ctx, db, known, s.Payer, strings.NewReader(tt.in))
				var re *rcm.Error
				if !errors.As(err, &re) || re.Code != rcm.EINVALID || re.Field != tt.field || re.Message != tt.msg {
					t.Errorf("%s: %#v, want field %s message %q", tt.name, err, tt.field, tt.msg)
				}
			}
			after, _ := db.FindContractRates(ctx, rcm.ContractFilter{})
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("refused files changed the contract (-before +after):\n%s", diff)
			}
			// Set edits one rate, checked as a file's line is.
			form := map[string]string{"code": "99213", "allowed": "95.00", "effective_from": "2026-01-01"}
			if _, err := contract.Set(ctx, db, known, s.Payer, func(k string) string { return form[k] }); err != nil {
				t.Fatal(err)
			}
			q = rcm.ContractQuery{PayerID: s.Payer.ID, Code: "99213", On: rcm.MustParseDate("2026-05-01")}
			if r, err := db.FindContractRateFor(ctx, q); err != nil || r.Allowed != rcm.MustParseMoney("95") {
				t.Errorf("edited 99213 = %v, %v", r, err)
			}
			form["allowed"] = "-3"
			_, err = contract.Set(ctx, db, known, s.Payer, func(k string) string { return form[k] })
			if rcm.ErrorMessage(err) != "Allowed: -3 is negative; an allowed amount is never below zero." {
				t.Errorf("negative rate: %v", err)
			}
			coder := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: 1, OrgID: s.Practice.OrgID, Role: rcm.RoleCoder})
			if _, err := contract.Import(coder, db, known, s.Payer, bytes.NewReader(src)); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
				t.Errorf("a coder imports: %v", err)
			}
		})
	}
}

// FuzzParse: any input is parsed or refused with a ParseError, never a
// panic; what is parsed, written back, parses the same.
func FuzzParse(f *testing.F) {
	src, _ := os.ReadFile("testdata/acme.csv")
	f.Add(string(src))
	f.Add("allowed,code,effective_from,per_unit\n1.00,97110,2026-01-01,yes\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := contract.Parse(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, fee.ErrInvalid) {
				t.Fatalf("error %v is not a ParseError", err)
			}
			return
		}
		var b strings.Builder
		b.WriteString(header)
		for _, r := range rows {
			e := r.Rate
			per := "no"
			if e.PerUnit {
				per = "yes"
			}
			b.WriteString(strings.Join([]string{e.Code, e.Modifier, e.Allowed.String(), e.EffectiveFrom.String(), e.EffectiveTo.String(), per}, ",") + "\n")
		}
		again, err := contract.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("written back, refused: %v\n%s", err, b.String())
		}
		for i := range rows {
			if again[i].Rate != rows[i].Rate {
				t.Fatalf("row %d: %+v, then %+v", i, rows[i], again[i])
			}
		}
	})
}
