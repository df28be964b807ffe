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
	if c.LabelW < chartCharW*len(long) || c.Bars[0].ValueX < c.LabelW || c.Width != c.LabelW+chartBarMax+110 {
		t.Errorf("long label: label width %d for %d characters, value at %d, width %d", c.LabelW, len(long), c.Bars[0].ValueX, c.Width)
	}
	if c.Bars[0].W != 0 || c.Bars[1].W != chartBarMax {
		t.Errorf("bars %d %d, want 0 and full", c.Bars[0].W, c.Bars[1].W)
	}
}
