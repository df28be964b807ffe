package eob

import (
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

const sample = `{"payer":"SBPPO","check_number":"104233","check_date":"2026-03-02","amount":"80.00","claims":[{"claim":"LFM1-1","lines":[
	{"code":"99213","charge":"110.00","paid":"80.00","adjustments":[{"group":"CO","reason":"45","amount":"10.00"},{"group":"PR","reason":"3","amount":"20.00"}]}]}]}`

// TestRemittance: the entry becomes the remittance an 835 would carry,
// which balances as an 835 must.
func TestRemittance(t *testing.T) {
	c, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	rem := c.Remittance(&rcm.Payer{Name: "Prairie PPO", PayerID: "SBPPO", FilingIndicator: "12"})
	if err := rem.Balance(); err != nil {
		t.Fatal(err)
	}
	cp := rem.Claims[0]
	if rem.Trace != "104233" || rem.Method != "CHK" || rem.PayerIdentifier != "SBPPO" || cp.Paid != 8000 || cp.PatientResponsibility != 2000 ||
		cp.Charge != 11000 || cp.Status != "1" || cp.Lines[0].Units != 1 {
		t.Errorf("remittance: %+v claim %+v", rem, cp)
	}
}

// TestParseRefuses: each refusal names the field.
func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ name, from, to, field string }{
		{"no payer", `"payer":"SBPPO"`, `"payer":""`, "payer"},
		{"no check date", `"check_date":"2026-03-02",`, ``, "check_date"},
		{"no claim number", `"claim":"LFM1-1"`, `"claim":""`, "claims[0].claim"},
		{"no code", `"code":"99213"`, `"code":""`, "claims[0].lines[0].code"},
		{"negative paid", `"paid":"80.00"`, `"paid":"-80.00"`, "claims[0].lines[0]"},
	} {
		_, err := Parse(strings.NewReader(strings.Replace(sample, tc.from, tc.to, 1)))
		if rcm.ErrorField(err) != tc.field {
			t.Errorf("%s: %v, want field %s", tc.name, err, tc.field)
		}
	}
	for _, bad := range []string{`{"payer":"A"} {}`, `{"tip":1}`, `[1]`, `{"amount":"1,00"}`} {
		if _, err := Parse(strings.NewReader(bad)); rcm.ErrorCode(err) != rcm.EINVALID {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"payer":"X","claims":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		// Whatever parses balances as an 835 does.
		if err := c.Remittance(&rcm.Payer{Name: "P", PayerID: "P"}).Balance(); err != nil {
			t.Fatalf("a parsed entry does not balance: %v", err)
		}
	})
}
