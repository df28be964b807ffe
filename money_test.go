package rcm

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    Money
		wantErr bool
	}{
		{"125.50", 12550, false},
		{"125.5", 12550, false},
		{"0.05", 5, false},
		{".5", 50, false},
		{"100", 10000, false},
		{"-3", -300, false},
		{"+3.10", 310, false},
		{"$1,234.00", 123400, false},
		{" 7.25 ", 725, false},
		{"", 0, true},
		{"-", 0, true},
		{".", 0, true},
		{"1.234", 0, true}, // no silent rounding
		{"1e3", 0, true},
		{"12a", 0, true},
		{"1.2.3", 0, true},
		{"9999999999999999", 0, true},
		// Commas only as thousands separators (issue 11: "1,00" was read
		// as $100.00 and "0,1" as $1.00).
		{"1,234,567.89", 123456789, false},
		{"12,345", 1234500, false},
		{"-$999,999.99", -99999999, false},
		{"1,00", 0, true},
		{"0,1", 0, true},
		{"1,0,0", 0, true},
		{"1,0000", 0, true},
		{"1234,567", 0, true},
		{",123", 0, true},
		{"123,", 0, true},
		{"1,,234", 0, true},
		{"1,234,56", 0, true},
		{"1.234,56", 0, true},
		{"12,34.00", 0, true},
		{"0.1,0", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMoneyFormats(t *testing.T) {
	tests := []struct {
		m                 Money
		str, x12, dollars string
	}{
		{12550, "125.50", "125.5", "$125.50"},
		{10000, "100.00", "100", "$100.00"},
		{5, "0.05", "0.05", "$0.05"},
		{0, "0.00", "0", "$0.00"},
		{-123456789, "-1234567.89", "-1234567.89", "-$1,234,567.89"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.str {
			t.Errorf("Money(%d).String() = %q, want %q", tt.m, got, tt.str)
		}
		if got := tt.m.X12(); got != tt.x12 {
			t.Errorf("Money(%d).X12() = %q, want %q", tt.m, got, tt.x12)
		}
		if got := tt.m.Dollars(); got != tt.dollars {
			t.Errorf("Money(%d).Dollars() = %q, want %q", tt.m, got, tt.dollars)
		}
		back, err := ParseMoney(tt.m.String())
		if err != nil || back != tt.m {
			t.Errorf("round trip of %d = %d, %v", tt.m, back, err)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	var v struct{ A Money }
	if err := json.Unmarshal([]byte(`{"A":"12.30"}`), &v); err != nil || v.A != 1230 {
		t.Errorf("unmarshal string = %d, %v", v.A, err)
	}
	if err := json.Unmarshal([]byte(`{"A":12.3}`), &v); err == nil {
		t.Error("unmarshal of a bare JSON number succeeded; want an error (floats invite rounding)")
	}
	b, _ := json.Marshal(struct{ A Money }{1230})
	if string(b) != `{"A":"12.30"}` {
		t.Errorf("marshal = %s", b)
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"125.50", "-3", "$1,234.00", ".5", "1.234", "", "1,00", "0,1", "12,345,678.90",
		// Hostile amounts (the attack suite): misplaced and doubled
		// commas, commas after the point, other digits and separators,
		// exponents, signs in odd places, and amounts near the limits.
		",100", "100,", "1,,000", "1,000,00", "1,2345.00", "1.2,3", "1,000.5,0", "１,000", "1 000", "1'000",
		"1_000", "1e3", "0x10", "NaN", "Inf", "--1", "+-1", "$-1,000", "-$1,000.00", "+$1,000.00", "$$1", "1.", ".",
		"-0", "-.00", "999,999,999,999,999.99", "1,000,000,000,000,000", "9223372036854775807", "92233720368547758.07",
		" 1,234.56 ", "1,234.56\x00", "\u202e1,000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		// What parsed may hold a comma only between groups of three digits.
		if whole, _, _ := strings.Cut(strings.TrimLeft(strings.TrimSpace(s), "+-$"), "."); strings.Contains(whole, ",") {
			for i, g := range strings.Split(whole, ",") {
				if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
					t.Fatalf("ParseMoney(%q) = %d: a comma that does not separate thousands was accepted", s, m)
				}
			}
		}
		// Only ASCII digits, one sign, a dollar sign, commas and a point
		// make an amount; the value is the digits', computed apart (with
		// big integers, so an overflow would show).
		t2 := strings.TrimSpace(s)
		if strings.Trim(t2, "0123456789,.$+-") != "" {
			t.Fatalf("ParseMoney(%q) = %d: accepted a character outside digits, sign, $ , and .", s, m)
		}
		neg := strings.HasPrefix(t2, "-")
		whole, frac, _ := strings.Cut(strings.ReplaceAll(strings.TrimLeft(t2, "+-$"), ",", ""), ".")
		want, ok := new(big.Int).SetString("0"+whole+(frac + "00")[:2], 10)
		if !ok {
			t.Fatalf("ParseMoney(%q) = %d: the digits %q.%q are not a number", s, m, whole, frac)
		}
		if neg {
			want.Neg(want)
		}
		if !want.IsInt64() || want.Int64() != int64(m) {
			t.Fatalf("ParseMoney(%q) = %d cents, want %s", s, m, want)
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %d but its String %q parses to %d, %v", s, m, m.String(), back, err)
		}
	})
}
