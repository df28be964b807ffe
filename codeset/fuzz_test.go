package codeset

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseOrderFile: any input parses without panic; every code read
// writes back to a line that parses to the same code (round trip), and every
// error names its file and a line within the input.
func FuzzParseOrderFile(f *testing.F) {
	f.Add(orderLine(1, "A00", false, "Cholera", "Cholera") + "\n" + orderLine(2, "A000", true, "Cholera due to Vibrio cholerae 01", "Cholera due to Vibrio cholerae 01, biovar cholerae"))
	f.Add("00001 I10     1 Essential (primary) hypertension")
	f.Add("0000A I10     2 x\n\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		codes, bad, err := ParseOrderFile(strings.NewReader(in), "f")
		if err != nil {
			return // a line longer than the scanner's buffer
		}
		lines := strings.Count(in, "\n") + 1
		for _, e := range bad {
			if e.File != "f" || e.Line < 1 || e.Line > lines {
				t.Fatalf("error %v outside the input's %d lines", e, lines)
			}
		}
		for i, c := range codes {
			line := orderLine(i+1, c.Code, c.Billable, c.Short, c.Long)
			again, bad, err := ParseOrderFile(strings.NewReader(line), "f")
			if err != nil || len(bad) > 0 || len(again) != 1 {
				t.Fatalf("code %+v does not round-trip: %v %v", c, err, bad)
			}
			if len(c.Short) <= 60 && again[0] != c {
				t.Fatalf("round trip %+v became %+v", c, again[0])
			}
		}
	})
}

// FuzzParseTabularXML: any input parses without panic, and every code and
// note it returns is on a well-formed code.
func FuzzParseTabularXML(f *testing.F) {
	f.Add(tabularSample)
	f.Add("<ICD10CM.tabular><diag><name>A00</name><desc>x</desc></diag></ICD10CM.tabular>")
	f.Add("<ICD10CM.tabular><diag><name>A00</name><sevenChrDef><extension char=\"A\">a</extension></sevenChrDef>")
	f.Fuzz(func(t *testing.T, in string) {
		tab, _, err := ParseTabularXML(strings.NewReader(in), "t.xml")
		if err != nil || tab == nil {
			return
		}
		for _, c := range tab.Codes {
			if !isICDCode(c.Code) {
				t.Fatalf("code %q is not a code", c.Code)
			}
		}
		for _, n := range tab.Notes {
			if !isICDCode(n.Code) {
				t.Fatalf("note on %q, not a code", n.Code)
			}
		}
	})
}

// FuzzParseIndexXML: any input parses without panic, and every entry's
// parent comes before it at the level above.
func FuzzParseIndexXML(f *testing.F) {
	f.Add(indexXMLSample)
	f.Add("<ICD10CM.index><letter><mainTerm><title>A</title><term level=\"1\"><title>b</title><code>A00.0</code></term></mainTerm></letter></ICD10CM.index>")
	f.Fuzz(func(t *testing.T, in string) {
		idx, _, err := ParseIndexXML(bytes.NewReader([]byte(in)), "i.xml")
		if err != nil {
			return
		}
		for i, e := range idx {
			if e.Parent >= i || (e.Parent >= 0 && idx[e.Parent].Level != e.Level-1) || (e.Parent < 0 && e.Level != 0) {
				t.Fatalf("entry %d %+v has a bad parent", i, e)
			}
		}
	})
}
