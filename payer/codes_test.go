package payer

import (
	"os"
	"regexp"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/internal/shareddata"
)

// TestCodesAreReal checks every CARC and RARC the sandbox can send (those
// seen in the scenario's 835s, the built-in rules, each configurable rule
// kind's default and the sample configuration's remarks) against the
// published lists: each must exist and be active on the test date, and
// CARC 18 and 23 must travel with group OA as the list's usage notes say.
func TestCodesAreReal(t *testing.T) {
	load := func(rel string, list carc.List) []carc.Code {
		f, err := os.Open(shareddata.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		codes, err := carc.Parse(f, list)
		if err != nil {
			t.Fatal(err)
		}
		return codes
	}
	set := carc.NewSet(append(load("x12codes/carc_2024-03.csv", carc.CARC), load("x12codes/rarc_2024-03.csv", carc.RARC)...)...)

	carcs := map[string]string{"1": "PR", "2": "PR", "3": "PR", "16": "CO", "18": "OA", "22": "CO", "23": "OA", "26": "CO", "27": "CO",
		"29": "CO", "31": "CO", "45": "CO", "59": "CO"}
	rarcs := map[string]bool{"MA04": true, "N290": true, "M76": true, "N130": true}
	for _, kind := range []string{RuleBundle, RuleNecessity, RuleNonCovered, RuleFrequency} {
		g, c, r := ruleCodes(Rule{Kind: kind})
		carcs[c] = g
		if r != "" {
			rarcs[r] = true
		}
	}
	cfg, err := SampleConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cfg.Payers {
		for _, r := range p.Rules {
			if r.Remark != "" {
				rarcs[r.Remark] = true
			}
		}
	}
	cas := regexp.MustCompile(`CAS\*([A-Z]{2})\*([A-Z0-9]+)\*`)
	lq := regexp.MustCompile(`(?:LQ\*HE|MOA\*\*)\*([A-Z0-9]+)`)
	for _, f := range scenario(t, newEngine(testConfig())) {
		for _, m := range cas.FindAllStringSubmatch(string(f.Data), -1) {
			carcs[m[2]] = m[1]
		}
		for _, m := range lq.FindAllStringSubmatch(string(f.Data), -1) {
			rarcs[m[1]] = true
		}
	}
	asOf := rcm.DateOf(testNow)
	for code, group := range carcs {
		c, active, err := set.Lookup(carc.CARC, code, asOf)
		if err != nil || !active {
			t.Errorf("CARC %s: known %v, active %v", code, err == nil, active)
			continue
		}
		if (code == "18" || code == "23") && group != "OA" {
			t.Errorf("CARC %s sent with group %s; its usage says OA only: %s", code, group, c.Description)
		}
	}
	for code := range rarcs {
		if _, active, err := set.Lookup(carc.RARC, code, asOf); err != nil || !active {
			t.Errorf("RARC %s: known %v, active %v", code, err == nil, active)
		}
	}
}
