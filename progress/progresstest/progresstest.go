// Package progresstest checks, in tests, what an importer reports.
package progresstest

import (
	"sync"
	"testing"

	"github.com/openrcm/openrcm/progress"
)

// Recorder keeps every report and fails the test when, within a phase,
// Done or Rows goes down or Done passes Total.
type Recorder struct {
	T  testing.TB
	mu sync.Mutex
	// Seen holds the reports in the order they came.
	Seen []progress.Report
}

// Progress implements progress.Reporter.
func (c *Recorder) Progress(r progress.Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.Seen); n > 0 {
		if p := c.Seen[n-1]; p.Phase == r.Phase && (r.Done < p.Done || r.Rows < p.Rows) {
			c.T.Errorf("progress went back: %+v after %+v", r, p)
		}
	}
	if r.Total > 0 && r.Done > r.Total {
		c.T.Errorf("done past total: %+v", r)
	}
	c.Seen = append(c.Seen, r)
}

// Last returns the last report of phase, and whether there was one.
func (c *Recorder) Last(phase string) (progress.Report, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.Seen) - 1; i >= 0; i-- {
		if c.Seen[i].Phase == phase {
			return c.Seen[i], true
		}
	}
	return progress.Report{}, false
}

// Count returns how many reports of phase came.
func (c *Recorder) Count(phase string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.Seen {
		if r.Phase == phase {
			n++
		}
	}
	return n
}
