package x12

import (
	"io"
	"slices"
)

// ReadLoops reads r like ReadTransactions but hands over the loops of one
// guide id one at a time, each as soon as it closes, and drops them: fn is
// called with each such loop (for example each claim payment, loop 2100,
// of an 835), then once with a nil loop when the transaction set ends,
// with t.Root holding the rest of the transaction (its header loops and
// the segments after the loops, such as the 835's PLB). A transaction
// set of thousands of claims is thus read in memory bounded by its largest
// claim, not by its size. The loops are placed exactly as
// ReadTransactions places them. A transaction set that a new ST cuts off
// before its SE never gets the nil call: its loops already handed over
// belong to a transaction that did not end, and a caller that acts only on
// a whole transaction drops them (ReadTransactions drops such a set). It
// does not validate (use Validator).
func ReadLoops(r io.Reader, id string, fn func(t *Transaction, loop *Node) error) error {
	rd := NewReader(r)
	var isa, gs, gsVersion string
	var cur *Transaction
	var st txState
	var v Validator
	var pos int
	// open is the loop being read and parent the node holding it.
	var open, parent *Node
	emit := func() error {
		if open == nil {
			return nil
		}
		if i := slices.Index(parent.Children, open); i >= 0 {
			parent.Children = slices.Delete(parent.Children, i, i+1)
		}
		n := open
		open, parent = nil, nil
		return fn(cur, n)
	}
	for {
		seg, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch seg.ID() {
		case "ISA":
			isa = seg.String(13)
			continue
		case "GS":
			gs, gsVersion = seg.String(6), seg.String(8)
			continue
		case "GE", "IEA", "TA1":
			continue
		case "ST":
			cur = &Transaction{Interchange: isa, Group: gs, ID: seg.String(1), Control: seg.String(2), Version: seg.String(3)}
			if cur.Version == "" {
				cur.Version = gsVersion
			}
			cur.Schema = Lookup(cur.ID, cur.Version)
			cur.Root = &Node{}
			open, parent, pos = nil, nil, 0
		}
		if cur == nil {
			continue
		}
		pos++
		s := seg.Clone()
		s.Ordinal, s.Offset = int64(pos), 0
		switch {
		case s.ID() == "SE":
			if err := emit(); err != nil {
				return err
			}
			cur.Root.Segments = append(cur.Root.Segments, s)
			if err := fn(cur, nil); err != nil {
				return err
			}
			cur = nil
			continue
		case cur.Schema == nil:
			cur.Root.Segments = append(cur.Root.Segments, s)
			continue
		case pos == 1:
			v = Validator{MaxFindings: 1}
			v.res = &Result{}
			st.build = true
			st.start(&v, cur.Schema, s)
			st.stack[0].node = cur.Root
			cur.Root.Segments = append(cur.Root.Segments, s)
			continue
		}
		st.segment(&v, s, pos)
		// The loop read so far is closed when no open frame holds it.
		var now, above *Node
		for i := range st.stack {
			if st.stack[i].loop.ID == id && i > 0 {
				now, above = st.stack[i].node, st.stack[i-1].node
			}
		}
		if open != nil && now != open {
			if err := emit(); err != nil {
				return err
			}
		}
		open, parent = now, above
	}
}
