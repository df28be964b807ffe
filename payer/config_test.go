package payer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

func TestReadConfigErrors(t *testing.T) {
	payer := `{"id":"P1","name":"P","tin":"990000001","payment":{"method":"CHK"}%s}`
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", `{`, "not valid JSON"},
		{"unknown field", `{"payers":[],"colour":1}`, "unknown field"},
		{"no payers", `{"payers":[]}`, "no payers"},
		{"bad tin", `{"payers":[{"id":"P1","name":"P","tin":"12","payment":{"method":"CHK"}}]}`, "9-digit tax id"},
		{"bad method", `{"payers":[{"id":"P1","name":"P","tin":"990000001","payment":{"method":"CASH"}}]}`, "not CHK or ACH"},
		{"ACH without routing", `{"payers":[{"id":"P1","name":"P","tin":"990000001","payment":{"method":"ACH"}}]}`, "routing"},
		{"bad COB", `{"payers":[` + strings.Replace(payer, "%s", `,"cob":"half"`, 1) + `]}`, "COB method"},
		{"unknown base", `{"payers":[` + strings.Replace(payer, "%s", `,"contract":{"base":"X"}`, 1) + `]}`, "base schedule"},
		{"rule kind", `{"payers":[` + strings.Replace(payer, "%s", `,"rules":[{"id":"R","kind":"magic","codes":["1"]}]`, 1) + `]}`, "kind"},
		{"frequency without max", `{"payers":[` + strings.Replace(payer, "%s", `,"rules":[{"id":"R","kind":"frequency","codes":["1"]}]`, 1) + `]}`, "positive max"},
		{"PLB code", `{"payers":[` + strings.Replace(payer, "%s", `,"plb":[{"code":"ZZ","reference":"X","amount":"1.00"}]`, 1) + `]}`, "PLB code"},
		{"percent decimals", `{"payers":[` + strings.Replace(payer, "%s", `,"contract":{"charge_percent":12.345}`, 1) + `]}`, "two decimals"},
		{"money as a float", `{"payers":[` + strings.Replace(payer, "%s", `,"contract":{"fees":{"99213":80.5}}`, 1) + `]}`, "not valid JSON"},
		{"key twice", `{"payers":[` + strings.Replace(payer, "%s", `,"name":"Q"`, 1) + `]}`, `duplicate key "name" at payers[0].name`},
		{"key twice in another case", `{"payers":[` + strings.Replace(payer, "%s", `,"contract":{"charge_percent":50,"Charge_Percent":90}`, 1) + `]}`, `duplicate key "Charge_Percent"`},
		{"member of unknown payer", `{"payers":[` + strings.Replace(payer, "%s", "", 1) + `],"members":[{"payer":"P2","id":"M","last":"L","birth_date":"2000-01-01","plan_begin":"2020-01-01"}]}`, "not configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadConfig(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
			if rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("code = %s, want %s", rcm.ErrorCode(err), rcm.EINVALID)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		in   string
		want Percent
		of   string // of 100.01
		frac string
	}{
		{"20", 2000, "20", "0.2"},
		{"72.5", 7250, "72.51", "0.725"},
		{"150", 15000, "150.02", "1.5"},
		{"0.01", 1, "0.01", "0.0001"},
	}
	for _, tt := range tests {
		var p Percent
		if err := p.UnmarshalJSON([]byte(tt.in)); err != nil {
			t.Fatal(err)
		}
		got := []string{p.String(), p.Of(rcm.MustParseMoney("100.01")).X12(), p.Fraction()}
		if diff := cmp.Diff([]string{tt.in, tt.of, tt.frac}, got); diff != "" || p != tt.want {
			t.Errorf("%s: %d mismatch (-want +got):\n%s", tt.in, p, diff)
		}
	}
}
