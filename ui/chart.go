package ui

import "github.com/openrcm/openrcm"

// chart is a horizontal bar chart drawn as SVG by the "barchart"
// template: the geometry is computed here, the labels are escaped by
// html/template there. No chart library, no script: it prints, it reads
// in a screen reader (title and a table of the same numbers beside it),
// and it passes the Content-Security-Policy.
type chart struct {
	ID     string
	Title  string
	Width  int
	Height int
	// LabelW is the width of the label column: wide enough for the longest
	// label, so a long payer name never runs under its bar.
	LabelW int
	Bars   []chartBar
}

// chartBar is one bar with its label and value as shown.
type chartBar struct {
	Label  string
	Value  string
	Y      int
	TextY  int
	W      int
	ValueX int
	// Tone picks the bar's colour class (for example the oldest A/R).
	Tone string
}

// Chart geometry, in SVG user units (the SVG scales to its box).
// chartCharW is an upper estimate of one label character's width at the
// chart's font size.
const (
	chartLabelW = 170
	chartCharW  = 7
	chartBarMax = 300
	chartRow    = 30
	chartBarH   = 20
)

// barChart lays out bars for values (cents, counts or any integers);
// the longest bar is the largest value.
func barChart(id, title string, labels, values []string, amounts []int64, tones []string) chart {
	labelW := chartLabelW
	for _, l := range labels {
		labelW = max(labelW, chartCharW*len([]rune(l))+10)
	}
	c := chart{ID: id, Title: title, Width: labelW + chartBarMax + 110, Height: chartRow*len(labels) + 10, LabelW: labelW}
	var top int64
	for _, a := range amounts {
		top = max(top, a)
	}
	for i := range labels {
		w := 0
		if top > 0 && amounts[i] > 0 {
			w = max(1, int(amounts[i]*chartBarMax/top))
		}
		y := 5 + i*chartRow
		b := chartBar{Label: labels[i], Value: values[i], Y: y, TextY: y + 15, W: w, ValueX: labelW + w + 6}
		if tones != nil {
			b.Tone = tones[i]
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// moneyChart is a bar chart of amounts of money.
func moneyChart(id, title string, labels []string, amounts []rcm.Money, tones []string) chart {
	values := make([]string, len(amounts))
	raw := make([]int64, len(amounts))
	for i, a := range amounts {
		values[i], raw[i] = a.Dollars(), int64(a)
	}
	return barChart(id, title, labels, values, raw, tones)
}
