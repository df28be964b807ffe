package x12

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// claimStream produces a valid 837P of n claims (1000 per transaction)
// on demand from one transaction template, so a large input never exists
// in memory at once and the generator itself does not allocate.
type claimStream struct {
	buf           bytes.Buffer
	tmpl          []byte
	st02, se02    int // offsets of the control numbers in tmpl
	claims, perST int
	done, st      int
	state         int
}

func (c *claimStream) Read(p []byte) (int, error) {
	for c.buf.Len() == 0 {
		if c.state == 2 {
			return 0, io.EOF
		}
		c.fill()
	}
	return c.buf.Read(p)
}

func (c *claimStream) fill() {
	if c.state == 0 {
		one := synth837(c.perST, c.perST, true)
		c.tmpl = one[bytes.Index(one, []byte("ST*837*")):bytes.Index(one, []byte("GE*"))]
		c.st02 = len("ST*837*")
		c.se02 = bytes.LastIndex(c.tmpl, []byte("*0001~")) + 1
		c.buf.WriteString(isaStar + "\nGS*HC*SUBMITTERID*RECEIVERID*20240101*1200*1*X*005010X222A1~\n")
		c.state = 1
		return
	}
	if c.done >= c.claims {
		fmt.Fprintf(&c.buf, "GE*%d*1~\nIEA*1*000000001~\n", c.st)
		c.state = 2
		return
	}
	c.st++
	c.buf.Reset()
	c.buf.Write(c.tmpl)
	b := c.buf.Bytes()
	ctl := [4]byte{byte('0' + c.st/1000%10), byte('0' + c.st/100%10), byte('0' + c.st/10%10), byte('0' + c.st%10)}
	copy(b[c.st02:], ctl[:])
	copy(b[c.se02:], ctl[:])
	c.done += c.perST
}

// TestValidateStreamMemory validates about 46 MB (100,000 claims) while counting every
// byte allocated: memory must stay bounded by the buffers, not grow with
// the input.
func TestValidateStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	claims := 100000
	if raceEnabled {
		claims = 20000
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := Validate(&claimStream{claims: claims, perST: 1000})
	runtime.ReadMemStats(&after)
	if !res.Valid() {
		t.Fatalf("stream has findings: %v", res.Findings[:min(3, len(res.Findings))])
	}
	if n := len(res.Interchanges[0].Groups[0].Transactions); n != claims/1000 {
		t.Errorf("%d transactions, want %d", n, claims/1000)
	}
	// Everything allocated: the generator's one template and the
	// validator's buffers and per-transaction results, a few MB for an
	// input ten times larger.
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d claims: %d KB allocated in total", claims, alloc>>10)
	if alloc > 8<<20 && !raceEnabled {
		t.Errorf("allocated %d MB validating a %d-claim stream", alloc>>20, claims)
	}
}
