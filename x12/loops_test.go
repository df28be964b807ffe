package x12

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ReadLoops places every segment as ReadTransactions does: the loops it
// hands over one at a time are the tree's loops of that id, in order, and
// what is left of the tree is the tree without them. Checked on every
// shared 835 (loop 2100) and 837 (loop 2300) sample, valid or not.
func TestReadLoops(t *testing.T) {
	dir := needSamples(t)
	for _, c := range []struct{ glob, loop string }{
		{"stupidedi-005010/X221A1_HP835/*/*", "2100"},
		{"stupidedi-005010/X222A1_HC837/*/*", "2300"},
		{"stupidedi-005010/X223A2_HC837/*/*", "2300"},
	} {
		paths, _ := filepath.Glob(filepath.Join(dir, c.glob))
		if len(paths) == 0 {
			t.Fatalf("no samples %s", c.glob)
		}
		for _, p := range paths {
			t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if diff := loopsDiff(b, c.loop); diff != "" {
					t.Error(diff)
				}
			})
		}
	}
}

// FuzzReadLoops checks ReadLoops against ReadTransactions on any input.
func FuzzReadLoops(f *testing.F) {
	f.Add([]byte(sample835))
	f.Add(synth837(2, 2, true))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, loop := range []string{"2100", "2300", "2110"} {
			if diff := loopsDiff(in, loop); diff != "" {
				t.Fatalf("loop %s: %s", loop, diff)
			}
		}
	})
}

// loopsDiff reads b both ways and says how ReadLoops differs from
// ReadTransactions: the loops handed over must be the tree's loops of
// that id, in order, and what is left of the tree the tree without them.
func loopsDiff(b []byte, loop string) string {
	type set struct {
		Loops []string
		Rest  string
	}
	js := func(v any) string {
		out, err := json.Marshal(v)
		if err != nil {
			return "json: " + err.Error()
		}
		return string(out)
	}
	var want []set
	wantErr := ReadTransactions(bytes.NewReader(b), func(tx *Transaction) error {
		var s set
		for _, n := range tx.Loops(loop) {
			s.Loops = append(s.Loops, js(n))
		}
		drop(tx.Root, loop)
		s.Rest = js(tx)
		want = append(want, s)
		return nil
	})
	var got []set
	var cur set
	var curTx *Transaction
	gotErr := ReadLoops(bytes.NewReader(b), loop, func(tx *Transaction, n *Node) error {
		// Loops of a transaction that a new ST cut off before its SE were
		// handed over as they closed, but the transaction never ends: the
		// caller drops them, as ReadTransactions drops the transaction.
		if tx != curTx {
			cur, curTx = set{}, tx
		}
		if n != nil {
			cur.Loops = append(cur.Loops, js(n))
			return nil
		}
		cur.Rest = js(tx)
		got = append(got, cur)
		cur = set{}
		return nil
	})
	if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
		return fmt.Sprintf("errors differ: %v whole, %v by loops", wantErr, gotErr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		return "mismatch (-ReadTransactions +ReadLoops):\n" + diff
	}
	return ""
}

// drop removes the loops with the id from the tree.
func drop(n *Node, id string) {
	kept := n.Children[:0]
	for _, c := range n.Children {
		if c.ID != id {
			drop(c, id)
			kept = append(kept, c)
		}
	}
	n.Children = kept
}
