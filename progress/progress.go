// Package progress reports how far a long piece of work has come: an
// import of a code-set release or an NCCI table reads hundreds of
// megabytes, and whoever waits for it (a person at a terminal, the Jobs
// screen) wants to see the share done, the phase and the rows read.
//
// The importers take a Reporter and feed it through a Meter, which counts
// bytes read through an io.Reader and rows where the parser knows them.
// Consumers that write somewhere costly (a terminal, a database row) wrap
// their Reporter in Every, so the importers may report as often as they
// like.
package progress

import (
	"io"
	"sync"
	"time"
)

// Units of Report.Done and Report.Total.
const (
	Bytes    = "bytes"
	Releases = "releases"
	Rows     = "rows"
)

// Report is one look at the work: Done of Total units in a phase ("read",
// "store"), and the rows read so far where the reader counts them.
type Report struct {
	Phase string `json:"phase"`
	Unit  string `json:"unit"`
	Done  int64  `json:"done"`
	// Total is 0 when it is not known.
	Total int64 `json:"total"`
	Rows  int64 `json:"rows"`
}

// Percent is the share done, 0 to 100, or -1 when the total is unknown.
func (r Report) Percent() int {
	if r.Total <= 0 {
		return -1
	}
	p := int(r.Done * 100 / r.Total)
	return min(max(p, 0), 100)
}

// Finished reports whether the phase is done.
func (r Report) Finished() bool { return r.Total > 0 && r.Done >= r.Total }

// Reporter is told how far the work has come. Reports of one phase come
// in order, with Done and Rows never going down.
type Reporter interface {
	Progress(Report)
}

// Func is a function that is a Reporter.
type Func func(Report)

// Progress calls f.
func (f Func) Progress(r Report) { f(r) }

// Meter counts one phase's work toward its total and tells a Reporter. A
// nil Meter (what Start returns for a nil Reporter) counts nothing, so an
// importer calls it unconditionally.
type Meter struct {
	rep      Reporter
	mu       sync.Mutex
	r        Report
	reported int64
	step     int64
}

// Start begins a phase of total units (0 when unknown) and reports it.
func Start(rep Reporter, phase, unit string, total int64) *Meter {
	if rep == nil {
		return nil
	}
	// Report about every thousandth of the total, and at least every
	// 64 KiB, so counting costs nothing next to the parsing.
	step := max(total/1000, 1)
	if unit == Bytes {
		step = max(step, 64<<10)
	}
	if total <= 0 && unit == Bytes {
		step = 1 << 20
	}
	m := &Meter{rep: rep, r: Report{Phase: phase, Unit: unit, Total: total}, step: step}
	rep.Progress(m.r)
	return m
}

// Add counts n more units done.
func (m *Meter) Add(n int64) {
	if m == nil || n <= 0 {
		return
	}
	m.mu.Lock()
	m.r.Done += n
	if m.r.Total > 0 && m.r.Done > m.r.Total {
		// A file that grew while read: never report past the total
		// until Finish.
		m.r.Done = m.r.Total
	}
	due := m.r.Done-m.reported >= m.step
	r := m.r
	if due {
		m.reported = r.Done
	}
	m.mu.Unlock()
	if due {
		m.rep.Progress(r)
	}
}

// AdvanceTo counts the work done up to done units, when a reader stopped
// before the end of what the total counted (an XML decoder does not read
// past the root's end tag; a zip member that is skipped).
func (m *Meter) AdvanceTo(done int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	n := done - m.r.Done
	m.mu.Unlock()
	m.Add(n)
}

// AddRows counts n more rows read; it is reported with the next Add.
func (m *Meter) AddRows(n int64) {
	if m == nil || n <= 0 {
		return
	}
	m.mu.Lock()
	m.r.Rows += n
	m.mu.Unlock()
}

// Finish reports the phase done: Done is set to Total (or, with no known
// total, Total to Done).
func (m *Meter) Finish() {
	if m == nil {
		return
	}
	m.mu.Lock()
	if m.r.Total > 0 {
		m.r.Done = m.r.Total
	} else {
		m.r.Total = m.r.Done
	}
	r := m.r
	m.mu.Unlock()
	m.rep.Progress(r)
}

// Reader returns r counting the bytes read through it as done.
func (m *Meter) Reader(r io.Reader) io.Reader {
	if m == nil {
		return r
	}
	return &reader{r: r, m: m}
}

type reader struct {
	r io.Reader
	m *Meter
}

func (c *reader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.m.Add(int64(n))
	return n, err
}

// Every passes on at most one report per interval to rep, and always the
// first report of a phase and the one that finishes it, so a consumer
// that writes a row or redraws a terminal line does so at a steady pace.
// now is the clock (nil: time.Now).
func Every(interval time.Duration, rep Reporter, now func() time.Time) Reporter {
	if now == nil {
		now = time.Now
	}
	t := &throttle{every: interval, rep: rep, now: now}
	return t
}

type throttle struct {
	every time.Duration
	rep   Reporter
	now   func() time.Time
	mu    sync.Mutex
	phase string
	last  time.Time
}

func (t *throttle) Progress(r Report) {
	t.mu.Lock()
	at := t.now()
	pass := r.Phase != t.phase || r.Finished() || at.Sub(t.last) >= t.every
	if pass {
		t.phase, t.last = r.Phase, at
	}
	t.mu.Unlock()
	if pass {
		t.rep.Progress(r)
	}
}
