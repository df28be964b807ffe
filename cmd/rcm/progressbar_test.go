package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/progress"
)

// Off a terminal an import prints a plain progress line every few seconds,
// none for an import shorter than that, and nothing at all when quiet.
func TestImportMeterPlain(t *testing.T) {
	var out bytes.Buffer
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := &importMeter{w: &out, start: at, now: func() time.Time { return at }}
	rep := m.For("ptp.csv")
	for i := int64(0); i <= 100; i++ {
		rep.Progress(progress.Report{Phase: "read", Unit: progress.Bytes, Done: i * 1e6, Total: 100e6, Rows: i * 25_000})
		at = at.Add(200 * time.Millisecond)
	}
	m.Done()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// 20 s of reports: one line at 5, 10, 15 and 20 s.
	if len(lines) != 4 || lines[0] != "ptp.csv: read 25% (25.0 of 100.0 MB), 625,000 rows" {
		t.Errorf("got %d lines:\n%s", len(lines), out.String())
	}
	out.Reset()
	m = &importMeter{w: &out, start: at, now: func() time.Time { return at }}
	m.For("x").Progress(progress.Report{Phase: "read", Done: 1, Total: 1})
	(&importMeter{w: &out, quiet: true}).For("x")
	if out.Len() != 0 || (&importMeter{quiet: true}).For("x") != nil {
		t.Errorf("short or quiet import printed %q", out.String())
	}
}

// On a terminal the bar is redrawn in place and its line ended when done.
func TestImportMeterBar(t *testing.T) {
	var out bytes.Buffer
	m := &importMeter{w: &out, tty: true, now: time.Now}
	m.For("order.txt").Progress(progress.Report{Phase: "read", Unit: progress.Bytes, Done: 50, Total: 100})
	m.Done()
	want := "\r[############------------] order.txt: read 50% (0.0 of 0.0 MB)\x1b[K\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
