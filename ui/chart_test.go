package ui

import "testing"

// A long label widens the label column, so the bar and its value start
// after it instead of over it; the longest value gets the longest bar.
func TestBarChartLayout(t *testing.T) {
	short := barChart("a", "A", []string{"Patients", "Medicare"}, []string{"$1.00", "$2.00"}, []int64{100, 200}, nil)
	if short.LabelW != chartLabelW || short.Bars[1].W != chartBarMax || short.Bars[0].W != chartBarMax/2 {
		t.Errorf("short labels: label width %d, bars %d %d", short.LabelW, short.Bars[0].W, short.Bars[1].W)
	}
	long := "Prairie Commercial PPO of the Greater Springfield Area (sandbox)"
	c := barChart("b", "B", []string{long, "Patients"}, []string{"$0.00", "$5.00"}, []int64{0, 500}, nil)
	if c.LabelW < chartCharW*chartLabelMax || c.Bars[0].ValueX < c.LabelW || c.Width != c.LabelW+chartBarMax+130 {
		t.Errorf("long label: label width %d for %d characters, value at %d, width %d", c.LabelW, chartLabelMax, c.Bars[0].ValueX, c.Width)
	}
	// The drawing cuts the label short; the text alternative keeps it
	// whole, with every value.
	if got := []rune(c.Bars[0].Label); len(got) != chartLabelMax || got[len(got)-1] != '…' {
		t.Errorf("drawn label %q, want %d runes ending in …", c.Bars[0].Label, chartLabelMax)
	}
	if want := "B. " + long + ": $0.00; Patients: $5.00."; c.Desc != want {
		t.Errorf("text alternative %q, want %q", c.Desc, want)
	}
	if c.Bars[0].W != 0 || c.Bars[1].W != chartBarMax {
		t.Errorf("bars %d %d, want 0 and full", c.Bars[0].W, c.Bars[1].W)
	}
}
