package progress_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/openrcm/openrcm/progress"
	"github.com/openrcm/openrcm/progress/progresstest"
)

func TestMeterReader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 100_000) // 1.6 MB
	c := &progresstest.Recorder{T: t}
	m := progress.Start(c, "read", progress.Bytes, int64(len(data)))
	r := m.Reader(bytes.NewReader(data))
	buf := make([]byte, 4096)
	for {
		_, err := r.Read(buf)
		m.AddRows(1)
		if err == io.EOF {
			break
		}
	}
	m.Finish()
	if len(c.Seen) < 10 || len(c.Seen) > 1100 {
		t.Errorf("%d reports for 1.6 MB, want about one per 64 KiB", len(c.Seen))
	}
	last := c.Seen[len(c.Seen)-1]
	if last.Done != int64(len(data)) || last.Percent() != 100 || !last.Finished() || last.Rows == 0 {
		t.Errorf("last report %+v, want all %d bytes done with rows", last, len(data))
	}
	if c.Seen[0].Done != 0 || c.Seen[0].Percent() != 0 {
		t.Errorf("first report %+v, want 0 done", c.Seen[0])
	}
}

func TestMeterUnknownTotalAndNil(t *testing.T) {
	c := &progresstest.Recorder{T: t}
	m := progress.Start(c, "store", progress.Releases, 0)
	m.Add(3)
	m.Finish()
	if last := c.Seen[len(c.Seen)-1]; last.Total != 3 || last.Done != 3 {
		t.Errorf("last %+v, want total taken from done", last)
	}
	if (progress.Report{Done: 5}).Percent() != -1 {
		t.Error("percent of an unknown total should be -1")
	}
	var none *progress.Meter = progress.Start(nil, "read", progress.Bytes, 10)
	none.Add(5)
	none.AddRows(1)
	none.Finish()
	if r := none.Reader(bytes.NewReader([]byte("x"))); r == nil {
		t.Error("nil meter's reader is nil")
	}
}

func TestEvery(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []progress.Report
	rep := progress.Every(time.Second, progress.Func(func(r progress.Report) { got = append(got, r) }), func() time.Time { return at })
	for i := int64(0); i <= 100; i++ {
		rep.Progress(progress.Report{Phase: "read", Done: i, Total: 100})
		at = at.Add(100 * time.Millisecond)
	}
	rep.Progress(progress.Report{Phase: "store", Done: 0, Total: 1})
	// 0 first, then every 10th (1 s later), always the finished one, and
	// the new phase at once.
	rep.Progress(progress.Report{Phase: "store", Done: 1, Total: 1})
	if len(got) != 13 || got[0].Done != 0 || got[5].Done != 50 || got[10].Done != 100 || got[11].Phase != "store" || !got[12].Finished() {
		t.Errorf("passed %d reports: %+v", len(got), got)
	}
}
