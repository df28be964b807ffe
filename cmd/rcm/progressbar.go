package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/openrcm/openrcm/progress"
)

// importMeter shows an import's progress on stderr: a bar redrawn in place
// when stderr is a terminal, a plain line every few seconds when it is a
// file or a pipe (a log), and nothing when quiet. Output to stdout (the
// summary scripts read) is never touched.
type importMeter struct {
	w     io.Writer
	tty   bool
	quiet bool
	mu    sync.Mutex
	drawn bool
	start time.Time
	now   func() time.Time
}

// plainEvery is how often a log gets a progress line; an import shorter
// than this prints none, so small imports read as before.
const plainEvery = 5 * time.Second

func newImportMeter(env *Env, quiet bool) *importMeter {
	return &importMeter{w: env.Stderr, tty: isTerminal(env.Stderr), quiet: quiet, start: time.Now(), now: time.Now}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// For returns the Reporter of one file's import, labelled with its name;
// nil when quiet.
func (m *importMeter) For(label string) progress.Reporter {
	if m.quiet {
		return nil
	}
	draw := progress.Func(func(r progress.Report) { m.draw(label, r) })
	if m.tty {
		return progress.Every(100*time.Millisecond, draw, m.now)
	}
	var last time.Time
	return progress.Func(func(r progress.Report) {
		// A line for the log every plainEvery, and none at all for an
		// import that finished before the first was due.
		at := m.now()
		if at.Sub(m.start) < plainEvery || at.Sub(last) < plainEvery {
			return
		}
		last = at
		m.draw(label, r)
	})
}

// Done ends the bar's line, so what follows starts on a line of its own.
func (m *importMeter) Done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.drawn {
		fmt.Fprintln(m.w)
		m.drawn = false
	}
}

func (m *importMeter) draw(label string, r progress.Report) {
	m.mu.Lock()
	defer m.mu.Unlock()
	line := progressLine(label, r)
	if !m.tty {
		fmt.Fprintln(m.w, line)
		return
	}
	const width = 24
	bar := strings.Repeat(" ", width)
	if p := r.Percent(); p >= 0 {
		n := p * width / 100
		bar = strings.Repeat("#", n) + strings.Repeat("-", width-n)
	}
	// \r and the erase-to-end-of-line code redraw the line in place.
	fmt.Fprintf(m.w, "\r[%s] %s\x1b[K", bar, line)
	m.drawn = true
}

// progressLine says a report in words: "icd10cm_order_2025.txt: read 52%
// (14.2 of 27.3 MB), 40,120 rows".
func progressLine(label string, r progress.Report) string {
	var b strings.Builder
	if label != "" {
		b.WriteString(label + ": ")
	}
	b.WriteString(r.Phase)
	if p := r.Percent(); p >= 0 {
		fmt.Fprintf(&b, " %d%%", p)
	}
	switch {
	case r.Unit == progress.Bytes && r.Total > 0:
		fmt.Fprintf(&b, " (%.1f of %s)", float64(r.Done)/1e6, megabytes(r.Total))
	case r.Unit == progress.Bytes:
		fmt.Fprintf(&b, " (%s)", megabytes(r.Done))
	case r.Total > 0:
		fmt.Fprintf(&b, " (%d of %d %s)", r.Done, r.Total, r.Unit)
	}
	if r.Rows > 0 {
		fmt.Fprintf(&b, ", %s rows", thousands(r.Rows))
	}
	return b.String()
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
