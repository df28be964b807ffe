package ui

import (
	"strings"

	"github.com/openrcm/openrcm"
)

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
	// Desc is the chart's text alternative: every label with its value,
	// in full, read by a screen reader in place of the drawing.
	Desc string
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
// Labels longer than chartLabelMax runes are cut short on the drawing
// (the text alternative keeps them whole).
const (
	chartLabelW   = 190
	chartCharW    = 9
	chartBarMax   = 280
	chartRow      = 36
	chartBarH     = 24
	chartLabelMax = 34
)

// barChart lays out bars for values (cents, counts or any integers);
// the longest bar is the largest value.
func barChart(id, title string, labels, values []string, amounts []int64, tones []string) chart {
	labelW := chartLabelW
	short := make([]string, len(labels))
	desc := make([]string, len(labels))
	for i, l := range labels {
		short[i] = l
		if r := []rune(l); len(r) > chartLabelMax {
			short[i] = strings.TrimSpace(string(r[:chartLabelMax-1])) + "…"
		}
		labelW = max(labelW, chartCharW*len([]rune(short[i]))+10)
		desc[i] = l + ": " + values[i]
	}
	c := chart{ID: id, Title: title, Width: labelW + chartBarMax + 130, Height: chartRow*len(labels) + 10, LabelW: labelW,
		Desc: title + ". " + strings.Join(desc, "; ") + "."}
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
		b := chartBar{Label: short[i], Value: values[i], Y: y, TextY: y + 18, W: w, ValueX: labelW + w + 8}
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
