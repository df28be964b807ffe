package fee_test

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
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

const header = "code,modifier,amount,effective_from,effective_to,practice_npi,provider_npi\n"

func TestParse(t *testing.T) {
	f, err := os.Open("testdata/schedule.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := fee.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	d, m := rcm.MustParseDate, rcm.MustParseMoney
	want := []fee.Row{
		{Line: 2, Entry: rcm.FeeScheduleEntry{Code: "99213", Charge: m("125.00"), EffectiveFrom: d("2026-01-01")}},
		{Line: 3, Entry: rcm.FeeScheduleEntry{Code: "99213", Modifier: "25", Charge: m("140.00"), EffectiveFrom: d("2026-01-01"), EffectiveTo: d("2026-12-31")}},
		{Line: 4, Entry: rcm.FeeScheduleEntry{Code: "99214", Charge: m("1185.50"), EffectiveFrom: d("2026-01-01")}, PracticeNPI: "1234567893"},
		{Line: 5, Entry: rcm.FeeScheduleEntry{Code: "99214", Charge: m("190.00"), EffectiveFrom: d("2026-01-01")}, PracticeNPI: "1234567893", ProviderNPI: "1245319599"},
		{Line: 6, Entry: rcm.FeeScheduleEntry{Code: "36415", Charge: m("20"), EffectiveFrom: d("2025-01-01"), EffectiveTo: d("2025-12-31")}},
		{Line: 7, Entry: rcm.FeeScheduleEntry{Code: "36415", Charge: m("22.00"), EffectiveFrom: d("2026-01-01")}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestParseErrors: each bad file is refused with the line and column of
// its mistake.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
	}{
		{"empty", "", "line 1: the file is empty"},
		{"unknown column", "code,price,effective_from\n", `line 1, price: unknown column "price"`},
		{"missing column", "code,amount\n99213,1.00\n", "line 1, effective_from: the header lacks this required column"},
		{"twice", "code,code,amount,effective_from\n", "line 1, code: the column appears twice"},
		{"no entries", header, "line 2: the file has a header but no entries"},
		{"bad amount", header + "99213,,12.3.4,2026-01-01,,,\n", `line 2, amount: "12.3.4" is not an amount`},
		{"decimal comma", header + "99213,,\"1,00\",2026-01-01,,,\n", `line 2, amount: "1,00" is not an amount`},
		{"negative", header + "99213,,-1.00,2026-01-01,,,\n", "line 2, amount: -1.00 is negative"},
		{"short code", header + "9921,,1.00,2026-01-01,,,\n", `line 2, code: "9921" is not a five-character`},
		{"bad modifier", header + "99213,2,1.00,2026-01-01,,,\n", `line 2, modifier: "2" is not a two-character modifier`},
		{"bad date", header + "99213,,1.00,2026-13-01,,,\n", `line 2, effective_from: "2026-13-01" is not a date`},
		{"ends before", header + "99213,,1.00,2026-02-01,2026-01-01,,\n", "line 2, effective_to: 2026-01-01 is before effective_from 2026-02-01"},
		{"bad npi", header + "99213,,1.00,2026-01-01,,1234567890,\n", `line 2, practice_npi: "1234567890" is not a valid NPI`},
		{"field count", header + "99213,,1.00\n", "line 2: 3 fields, but the header has 7"},
		{"same start", header + "99213,,1.00,2026-01-01,,,\n99214,,1.00,2026-01-01,,,\n99213,,2.00,2026-01-01,,,\n",
			"line 4, effective_from: 99213 from 2026-01-01 overlaps line 2"},
		{"end reaches the next start", header + "99213,,1.00,2026-01-01,2026-06-30,,\n99213,,2.00,2026-06-30,,,\n",
			"line 3, effective_from: 99213 from 2026-06-30 overlaps line 2"},
		{"bare quote", header + "99213,,\"1.00,2026-01-01,,,\n", "line 2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fee.Parse(strings.NewReader(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want it to start with %q", err, tt.want)
			}
			if !errors.Is(err, fee.ErrInvalid) {
				t.Errorf("%v does not wrap ErrInvalid", err)
			}
		})
	}
	// Different services, and an open entry followed by a later one, are
	// not overlaps.
	ok := header + "99213,,1.00,2026-01-01,,,\n99213,25,1.00,2026-01-01,,,\n99213,,2.00,2026-07-01,,,\n99213,,1.00,2026-01-01,,1234567893,\n"
	if _, err := fee.Parse(strings.NewReader(ok)); err != nil {
		t.Errorf("a good file refused: %v", err)
	}
}

// TestImport stores the sample file through the same door the command
// line and the API use, on both databases: NPIs resolve to the practice
// and provider, claims price from it; a file with an unknown code, an
// unknown NPI or an overlap with a stored entry changes nothing.
func TestImport(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			s := sqldbtest.Seed(t, ctx, db)
			known := func(code string, _ rcm.Date) bool { return code != "99999" }
			src, err := os.ReadFile("testdata/schedule.csv")
			if err != nil {
				t.Fatal(err)
			}
			n, err := fee.Import(ctx, db, known, bytes.NewReader(src))
			if err != nil || n != 6 {
				t.Fatalf("Import = %d, %v", n, err)
			}
			q := rcm.FeeQuery{PracticeID: s.Practice.ID, ProviderID: s.Provider.ID, Code: "99214", On: rcm.MustParseDate("2026-05-01")}
			if got, err := db.FindFeeFor(ctx, q); err != nil || got != rcm.MustParseMoney("190.00") {
				t.Errorf("provider's 99214 = %v, %v; want 190.00", got, err)
			}
			q.ProviderID = 0
			if got, err := db.FindFeeFor(ctx, q); err != nil || got != rcm.MustParseMoney("1185.50") {
				t.Errorf("practice's 99214 = %v, %v; want 1185.50", got, err)
			}
			// The same file again replaces, entry for entry.
			if n, err := fee.Import(ctx, db, known, bytes.NewReader(src)); err != nil || n != 6 {
				t.Errorf("second import = %d, %v", n, err)
			}
			before, _ := db.FindFees(ctx, rcm.FeeFilter{})
			for _, tt := range []struct{ name, in, field, msg string }{
				{"unknown code", header + "99215,,1.00,2026-01-01,,,\n99999,,1.00,2026-01-01,,,\n", "code", "Line 3, code: 99999 is not a CPT or HCPCS code in force on 2026-01-01."},
				{"unknown NPI", header + "99215,,1.00,2026-01-01,,,\n99215,,1.00,2026-01-01,,1245319599,\n", "practice_npi", "Line 3, practice_npi: no practice of the organization has NPI 1245319599."},
				{"overlaps stored", header + "99215,,1.00,2026-01-01,,,\n36415,,1.00,2025-06-01,,,\n", "effective_from",
					"Line 3, effective_from: 36415 from 2025-06-01 overlaps the stored entry 36415 from 2025-01-01 to 2025-12-31; end one before the other starts."},
				{"bad amount", header + "99215,,abc,2026-01-01,,,\n", "amount", `Line 2, amount: "abc" is not an amount such as 125.00.`},
			} {
				_, err := fee.Import(ctx, db, known, strings.NewReader(tt.in))
				var re *rcm.Error
				if !errors.As(err, &re) || re.Code != rcm.EINVALID || re.Field != tt.field || re.Message != tt.msg {
					t.Errorf("%s: %#v, want field %s message %q", tt.name, err, tt.field, tt.msg)
				}
			}
			after, _ := db.FindFees(ctx, rcm.FeeFilter{})
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("refused files changed the schedule (-before +after):\n%s", diff)
			}
			coder := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: 1, OrgID: s.Practice.OrgID, Role: rcm.RoleCoder})
			if _, err := fee.Import(coder, db, known, bytes.NewReader(src)); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
				t.Errorf("a coder imports: %v", err)
			}
		})
	}
}

// FuzzParse: any input is parsed or refused with a ParseError, never a
// panic; what is parsed, written back as CSV, parses the same.
func FuzzParse(f *testing.F) {
	src, _ := os.ReadFile("testdata/schedule.csv")
	f.Add(string(src))
	f.Add(header + "99213,,\"1,00\",2026-01-01,,,\n")
	f.Add("charge,code,effective_from\n1.00,99213,2026-01-01\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := fee.Parse(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, fee.ErrInvalid) {
				t.Fatalf("error %v is not a ParseError", err)
			}
			return
		}
		var b strings.Builder
		b.WriteString(header)
		for _, r := range rows {
			e := r.Entry
			b.WriteString(strings.Join([]string{e.Code, e.Modifier, e.Charge.String(), e.EffectiveFrom.String(), e.EffectiveTo.String(), r.PracticeNPI, r.ProviderNPI}, ",") + "\n")
		}
		again, err := fee.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("written back, refused: %v\n%s", err, b.String())
		}
		if len(again) != len(rows) {
			t.Fatalf("%d rows, then %d", len(rows), len(again))
		}
		for i := range rows {
			if again[i].Entry != rows[i].Entry || again[i].PracticeNPI != rows[i].PracticeNPI || again[i].ProviderNPI != rows[i].ProviderNPI {
				t.Fatalf("row %d: %+v, then %+v", i, rows[i], again[i])
			}
		}
	})
}
