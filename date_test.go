package rcm

import (
	"encoding/json"
	"testing"
)

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2024-02-29", "20240229"} {
		d, err := ParseDate(s)
		if err != nil || d != (Date{2024, 2, 29}) {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"2023-02-29", "2024-13-01", "24-01-01", "", "2024/01/01"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) succeeded; want an error", s)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate("2024-02-28")
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("AddDays(1) = %s", got)
	}
	if got := d.AddDays(366).String(); got != "2025-02-28" {
		t.Errorf("AddDays(366) = %s", got)
	}
	if got := MustParseDate("2025-03-01").DaysSince(d); got != 367 {
		t.Errorf("DaysSince = %d, want 367", got)
	}
	if got := d.D8(); got != "20240228" {
		t.Errorf("D8 = %s", got)
	}
	tests := []struct {
		birth, on string
		age       int
	}{
		{"1980-02-29", "2024-02-28", 43},
		{"1980-02-29", "2024-02-29", 44},
		{"2000-06-15", "2026-06-14", 25},
		{"2000-06-15", "2026-06-15", 26},
	}
	for _, tt := range tests {
		if got := MustParseDate(tt.birth).AgeOn(MustParseDate(tt.on)); got != tt.age {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.age)
		}
	}
	if !MustParseDate("2024-01-01").Before(MustParseDate("2024-01-02")) || MustParseDate("2024-01-02").Before(MustParseDate("2024-01-02")) {
		t.Error("Before is wrong")
	}
}

func TestDateJSON(t *testing.T) {
	var v struct {
		D Date `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2026-11-28"}`), &v); err != nil || v.D != (Date{2026, 11, 28}) {
		t.Errorf("unmarshal = %v, %v", v.D, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"28/11/2026"}`), &v); err == nil {
		t.Error("unmarshal of a non-ISO date succeeded")
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2026-11-28"}` {
		t.Errorf("marshal = %s", b)
	}
}
