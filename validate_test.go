package rcm

import "testing"

func TestValidNPI(t *testing.T) {
	tests := []struct {
		npi  string
		want bool
	}{
		{"1234567893", true}, // the example in the CMS check-digit specification
		{"1245319599", true},
		{"1234567890", false},
		{"123456789", false},
		{"12345678930", false},
		{"123456789A", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidNPI(tt.npi); got != tt.want {
			t.Errorf("ValidNPI(%q) = %v, want %v", tt.npi, got, tt.want)
		}
	}
	for _, first9 := range []string{"123456789", "100000000", "987654321"} {
		npi := first9 + string(NPICheckDigit(first9))
		if !ValidNPI(npi) {
			t.Errorf("NPICheckDigit(%s) made invalid NPI %s", first9, npi)
		}
	}
}

func TestNormalizeTIN(t *testing.T) {
	tests := []struct {
		in, out string
		ok      bool
	}{
		{"12-3456789", "123456789", true},
		{"123456789", "123456789", true},
		{"123-45-6789", "123456789", true},
		{"00-1234567", "001234567", false}, // prefix never issued
		{"000000000", "000000000", false},
		{"12345678", "12345678", false},
		{"12-345678X", "12345678X", false},
	}
	for _, tt := range tests {
		out, ok := NormalizeTIN(tt.in)
		if out != tt.out || ok != tt.ok {
			t.Errorf("NormalizeTIN(%q) = %q, %v; want %q, %v", tt.in, out, ok, tt.out, tt.ok)
		}
	}
}

func TestNormalizeZIP(t *testing.T) {
	for in, want := range map[string]bool{"62701": true, "62701-1234": true, "627011234": true, "6270": false, "62701-12": false, "ABCDE": false} {
		if _, ok := NormalizeZIP(in); ok != want {
			t.Errorf("NormalizeZIP(%q) ok = %v, want %v", in, ok, want)
		}
	}
}

func TestValidMemberID(t *testing.T) {
	for in, want := range map[string]bool{"W123456789": true, "AB": true, "A": false, " W1": false, "W1*2": false, "W1~": false, "W1\n": false} {
		if got := ValidMemberID(in); got != want {
			t.Errorf("ValidMemberID(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEncounterValidate(t *testing.T) {
	base := func() *Encounter {
		return &Encounter{PatientID: 1, PracticeID: 1, RenderingProviderID: 1, DateOfService: MustParseDate("2026-01-02"), PlaceOfService: "11",
			Diagnoses: []Diagnosis{{Code: "E119"}},
			Lines:     []ServiceLine{{Code: "99213", Units: 1, Charge: 100, Pointers: []int{1}}}}
	}
	tests := []struct {
		name   string
		change func(e *Encounter)
		field  string
	}{
		{"valid", func(e *Encounter) {}, ""},
		{"no date", func(e *Encounter) { e.DateOfService = Date{} }, "date_of_service"},
		{"bad POS", func(e *Encounter) { e.PlaceOfService = "1" }, "place_of_service"},
		{"bad dx", func(e *Encounter) { e.Diagnoses[0].Code = "123" }, "diagnoses[0].code"},
		{"duplicate dx", func(e *Encounter) { e.Diagnoses = append(e.Diagnoses, Diagnosis{Code: "E11.9"}) }, "diagnoses[1].code"},
		{"13 dx", func(e *Encounter) {
			for i := 0; i < 12; i++ {
				e.Diagnoses = append(e.Diagnoses, Diagnosis{Code: "Z00.0" + string(rune('0'+i%10)) + string(rune('A'+i))})
			}
		}, "diagnoses"},
		{"bad code", func(e *Encounter) { e.Lines[0].Code = "9921" }, "lines[0].code"},
		{"5 modifiers", func(e *Encounter) { e.Lines[0].Modifiers = []string{"25", "59", "76", "77", "91"} }, "lines[0].modifiers"},
		{"zero units", func(e *Encounter) { e.Lines[0].Units = 0 }, "lines[0].units"},
		{"negative charge", func(e *Encounter) { e.Lines[0].Charge = -1 }, "lines[0].charge"},
		{"dangling pointer", func(e *Encounter) { e.Lines[0].Pointers = []int{2} }, "lines[0].pointers"},
		{"bad NDC", func(e *Encounter) { e.Lines[0].NDC = "0002-1433-80" }, "lines[0].ndc"},
	}
	for _, tt := range tests {
		e := base()
		tt.change(e)
		err := e.Validate()
		if got := ErrorField(err); got != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%s: Validate() = %v (field %q), want field %q", tt.name, err, got, tt.field)
		}
	}
}
