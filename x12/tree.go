package x12

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
)

// Node is one loop instance of a transaction: its segments in order and
// its child loops, as the guide nests them. Mapping code walks nodes by
// loop id and reads segments by id instead of tracking positions itself.
type Node struct {
	ID       string // guide loop id, e.g. "2300"; "" for the header
	Name     string
	Segments []*Segment
	Children []*Node
}

// Loops returns every loop below n (depth first, in file order) with the
// given guide id.
func (n *Node) Loops(id string) []*Node {
	var out []*Node
	var walk func(*Node)
	walk = func(x *Node) {
		for _, c := range x.Children {
			if c.ID == id {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// Segment returns the first segment of n with the given id whose first
// element is one of quals (any when quals is empty), or nil.
func (n *Node) Segment(id string, quals ...string) *Segment {
	for _, s := range n.Segments {
		if s.ID() != id {
			continue
		}
		if len(quals) == 0 {
			return s
		}
		for _, q := range quals {
			if string(s.Element(1)) == q {
				return s
			}
		}
	}
	return nil
}

// Transaction is one transaction set read whole, with its loop tree.
// Its segments share one buffer owned by the Transaction.
type Transaction struct {
	Interchange string // ISA13
	Group       string // GS06
	ID          string // ST01
	Control     string // ST02
	Version     string // ST03 or GS08
	Schema      *Schema
	Root        *Node
}

// MarshalJSON writes the envelope identifiers, the guide name and the
// loop tree.
func (t *Transaction) MarshalJSON() ([]byte, error) {
	guide := ""
	if t.Schema != nil {
		guide = t.Schema.Name
	}
	return json.Marshal(struct {
		Interchange    string `json:"interchange"`
		Group          string `json:"group"`
		TransactionSet string `json:"transaction_set"`
		Control        string `json:"control"`
		Version        string `json:"version"`
		Guide          string `json:"guide,omitempty"`
		Body           *Node  `json:"body"`
	}{t.Interchange, t.Group, t.ID, t.Control, t.Version, guide, t.Root})
}

// Loops returns every loop of the transaction with the given guide id,
// e.g. tx.Loops("2300") for the claims of an 837P.
func (t *Transaction) Loops(id string) []*Node { return t.Root.Loops(id) }

// Field returns the element named like the guides name it: "CLM01",
// "NM109", "SV101-2" (a component) or "HI01-2". It returns nil when the
// name does not belong to this segment or the element is absent.
func (s *Segment) Field(name string) []byte {
	id := s.IDBytes()
	if len(name) < len(id)+2 || name[:len(id)] != string(id) {
		return nil
	}
	rest := name[len(id):]
	el, comp := rest, ""
	if i := bytes.IndexByte([]byte(rest), '-'); i >= 0 {
		el, comp = rest[:i], rest[i+1:]
	}
	e, err := strconv.Atoi(el)
	if err != nil {
		return nil
	}
	if comp == "" {
		return s.Element(e)
	}
	c, err := strconv.Atoi(comp)
	if err != nil {
		return nil
	}
	return s.Component(e, c)
}

// ReadTransactions reads r and calls fn with each transaction set in
// turn, so a large file is processed one transaction at a time. Reading
// errors (a *ParseError) stop it; it does not validate (use Validator).
func ReadTransactions(r io.Reader, fn func(*Transaction) error) error {
	rd := NewReader(r)
	var isa, gs, gsVersion string
	var buf []byte
	var spans [][2]int
	var cur *Transaction
	var delims Delimiters
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
			buf, spans, delims = nil, nil, *seg.delims
		}
		if cur == nil {
			continue
		}
		spans = append(spans, [2]int{len(buf), len(buf) + len(seg.data)})
		buf = append(buf, seg.data...)
		if seg.ID() != "SE" {
			continue
		}
		segs := make([]*Segment, len(spans))
		d := delims
		for i, sp := range spans {
			segs[i] = &Segment{}
			segs[i].set(buf[sp[0]:sp[1]:sp[1]], &d, int64(i+1), 0)
		}
		cur.Root = buildTree(cur.Schema, segs)
		if err := fn(cur); err != nil {
			return err
		}
		cur = nil
	}
}

// buildTree places segments into loops with the same matching the
// validator uses; segments that fit nowhere stay in the innermost open
// loop so nothing is lost.
func buildTree(sc *Schema, segs []*Segment) *Node {
	root := &Node{}
	if sc == nil {
		root.Segments = segs
		return root
	}
	var v Validator
	v.res = &Result{}
	v.MaxFindings = 1
	var st txState
	st.build = true
	st.start(&v, sc, segs[0])
	st.stack[0].node = root
	root.Segments = append(root.Segments, segs[0])
	for i, s := range segs[1:] {
		if s.ID() == "SE" {
			root.Segments = append(root.Segments, s)
			break
		}
		st.segment(&v, s, i+2)
	}
	return root
}

// MarshalJSON writes the loop with its segments as arrays of elements;
// composite elements become arrays of components.
func (n *Node) MarshalJSON() ([]byte, error) {
	type seg struct {
		ID       string `json:"id"`
		Elements []any  `json:"elements"`
	}
	out := struct {
		Loop     string  `json:"loop,omitempty"`
		Name     string  `json:"name,omitempty"`
		Segments []seg   `json:"segments"`
		Loops    []*Node `json:"loops,omitempty"`
	}{Loop: n.ID, Name: n.Name, Loops: n.Children, Segments: []seg{}}
	for _, s := range n.Segments {
		js := seg{ID: s.ID(), Elements: []any{}}
		for i := 1; i <= s.Len(); i++ {
			e := s.Element(i)
			if s.delims.Component != 0 && bytes.IndexByte(e, s.delims.Component) >= 0 && s.ID() != "ISA" {
				var parts []string
				for _, p := range bytes.Split(e, []byte{s.delims.Component}) {
					parts = append(parts, string(p))
				}
				js.Elements = append(js.Elements, parts)
			} else {
				js.Elements = append(js.Elements, string(e))
			}
		}
		out.Segments = append(out.Segments, js)
	}
	return json.Marshal(out)
}
