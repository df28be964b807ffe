package ncci

import (
	"slices"
	"sort"

	"github.com/openrcm/openrcm"
)

// PTPEdit is one row of a PTP table.
type PTPEdit struct {
	Column1 string `json:"column_1"`
	Column2 string `json:"column_2"`
	// Effective is the first date of service the edit applies to; zero
	// when the table does not say (the edit is then treated as always in
	// effect).
	Effective rcm.Date `json:"effective,omitzero"`
	// Deleted is the last date of service the edit applies to; zero while
	// the edit is in force. CMS deletes edits with a quarterly release, so
	// most deletion dates are the last day of a quarter (20231231).
	Deleted rcm.Date `json:"deleted,omitzero"`
	// Modifier is the modifier indicator: 0 no modifier bypasses the edit,
	// 1 an NCCI-associated modifier may, 9 the edit is not applicable.
	Modifier  int    `json:"modifier_indicator"`
	Rationale string `json:"rationale,omitempty"`
}

// InEffect reports whether the edit applies to a service on date dos.
func (e PTPEdit) InEffect(dos rcm.Date) bool {
	return activeOn(toYMD(e.Effective), toYMD(e.Deleted), toYMD(dos))
}

func activeOn(eff, del, dos ymd) bool {
	return (eff == 0 || eff <= dos) && (del == 0 || dos <= del)
}

// MUEEdit is one row of an MUE table.
type MUEEdit struct {
	Code    string  `json:"code"`
	Setting Setting `json:"setting"`
	// Value is the most units of service of the code reported for one
	// beneficiary on one date of service under most circumstances.
	Value int `json:"value"`
	// MAI is the MUE adjudication indicator: 1 line edit, 2 date of
	// service edit from policy, 3 date of service edit from clinical
	// benchmarks.
	MAI       int      `json:"mai"`
	Rationale string   `json:"rationale,omitempty"`
	Effective rcm.Date `json:"effective,omitzero"`
}

// Edits is the in-memory index of every imported NCCI table, by setting.
// It is read-only once built and safe for concurrent use.
type Edits struct {
	ptp map[Setting]*ptpIndex
	mue map[Setting]*mueIndex
}

type ptpIndex struct {
	entries    []ptpEntry
	rationales []string
	// byCol1 maps a packed column-one code to its rows, entries[lo:hi];
	// a lookup then binary-searches a few hundred rows at most.
	byCol1 map[uint32][2]uint32
}

type mueIndex struct {
	entries    []mueEntry
	rationales []string
	byCode     map[uint32][2]uint32
}

// Build indexes releases, given oldest first (in import order). For PTP,
// each code pair takes its rows from the newest release that has the pair:
// CMS's quarterly PTP files hold every edit ever made, active and deleted,
// so a newer release supersedes an older one, while the four files of one
// practitioner release (split by column-one code) add to each other. For
// MUE, each code keeps a row per effective date, the newest release winning
// for the same date.
func Build(releases ...*Release) *Edits {
	e := &Edits{ptp: map[Setting]*ptpIndex{}, mue: map[Setting]*mueIndex{}}
	ptps := map[Setting][]*Release{}
	mues := map[Setting][]*Release{}
	for _, r := range releases {
		switch r.Kind {
		case KindPTP:
			ptps[r.Setting] = append(ptps[r.Setting], r)
		case KindMUE:
			mues[r.Setting] = append(mues[r.Setting], r)
		}
	}
	for s, rs := range ptps {
		e.ptp[s] = buildPTP(rs)
	}
	for s, rs := range mues {
		e.mue[s] = buildMUE(rs)
	}
	return e
}

func buildPTP(rs []*Release) *ptpIndex {
	ix := &ptpIndex{}
	if len(rs) == 1 {
		ix.entries, ix.rationales = rs[0].ptp, rs[0].rationales
	} else {
		dict := map[string]uint16{}
		// Merge newest first: a pair present in a newer release hides the
		// older release's rows for it.
		for i := len(rs) - 1; i >= 0; i-- {
			remap := make([]uint16, len(rs[i].rationales))
			for j, s := range rs[i].rationales {
				k, ok := dict[s]
				if !ok {
					k = uint16(len(ix.rationales))
					dict[s] = k
					ix.rationales = append(ix.rationales, s)
				}
				remap[j] = k
			}
			ix.entries = mergePTP(ix.entries, rs[i].ptp, remap)
		}
	}
	ix.byCol1 = make(map[uint32][2]uint32, 16384)
	for lo := 0; lo < len(ix.entries); {
		c1 := uint32(ix.entries[lo].key >> codeBits)
		hi := lo + 1
		for hi < len(ix.entries) && uint32(ix.entries[hi].key>>codeBits) == c1 {
			hi++
		}
		ix.byCol1[c1] = [2]uint32{uint32(lo), uint32(hi)}
		lo = hi
	}
	return ix
}

// mergePTP merges the rows of an older release into newer, both sorted by
// key, keeping the older rows only for keys newer lacks.
func mergePTP(newer, older []ptpEntry, remap []uint16) []ptpEntry {
	out := make([]ptpEntry, 0, len(newer)+len(older))
	i, j := 0, 0
	for i < len(newer) || j < len(older) {
		switch {
		case j == len(older) || (i < len(newer) && newer[i].key < older[j].key):
			out = append(out, newer[i])
			i++
		case i < len(newer) && newer[i].key == older[j].key:
			k := older[j].key
			for ; i < len(newer) && newer[i].key == k; i++ {
				out = append(out, newer[i])
			}
			for ; j < len(older) && older[j].key == k; j++ {
			}
		default:
			e := older[j]
			e.rat = remap[e.rat]
			out = append(out, e)
			j++
		}
	}
	return out
}

func buildMUE(rs []*Release) *mueIndex {
	ix := &mueIndex{}
	dict := map[string]uint16{}
	seen := map[[2]uint32]bool{}
	for i := len(rs) - 1; i >= 0; i-- {
		for _, e := range rs[i].mue {
			k := [2]uint32{e.code, e.eff}
			if seen[k] {
				continue
			}
			seen[k] = true
			s := rs[i].rationales[e.rat]
			r, ok := dict[s]
			if !ok {
				r = uint16(len(ix.rationales))
				dict[s] = r
				ix.rationales = append(ix.rationales, s)
			}
			e.rat = r
			ix.entries = append(ix.entries, e)
		}
	}
	slices.SortFunc(ix.entries, cmpMUE)
	ix.byCode = make(map[uint32][2]uint32, len(ix.entries))
	for lo := 0; lo < len(ix.entries); {
		hi := lo + 1
		for hi < len(ix.entries) && ix.entries[hi].code == ix.entries[lo].code {
			hi++
		}
		ix.byCode[ix.entries[lo].code] = [2]uint32{uint32(lo), uint32(hi)}
		lo = hi
	}
	return ix
}

// PTPRows returns the number of PTP rows indexed for the setting.
func (e *Edits) PTPRows(s Setting) int {
	if ix := e.ptp[s]; ix != nil {
		return len(ix.entries)
	}
	return 0
}

// MUERows returns the number of MUE rows indexed for the setting.
func (e *Edits) MUERows(s Setting) int {
	if ix := e.mue[s]; ix != nil {
		return len(ix.entries)
	}
	return 0
}

// rows returns the rows of the pair (col1, col2) in the setting.
func (ix *ptpIndex) rows(c1, c2 uint32) []ptpEntry {
	span, ok := ix.byCol1[c1]
	if !ok {
		return nil
	}
	es := ix.entries[span[0]:span[1]]
	key := pairKey(c1, c2)
	i := sort.Search(len(es), func(i int) bool { return es[i].key >= key })
	j := i
	for j < len(es) && es[j].key == key {
		j++
	}
	return es[i:j]
}

// governing returns the row that decides the pair on date dos: among the
// rows in effect, the most restrictive (indicator 0 before 1 before 9).
// A pair has several rows when its indicator changed over time; a table
// without effective dates leaves both the old and the new row "in effect"
// for earlier dates, and the old row is then the one CMS applied.
func governing(rows []ptpEntry, dos ymd) (ptpEntry, bool) {
	var best ptpEntry
	found := false
	for _, r := range rows {
		if !activeOn(r.eff, r.del, dos) {
			continue
		}
		if !found || r.mod < best.mod {
			best, found = r, true
		}
	}
	return best, found
}

func (ix *ptpIndex) edit(e ptpEntry) PTPEdit {
	return PTPEdit{
		Column1:   unpackCode(uint32(e.key >> codeBits)),
		Column2:   unpackCode(uint32(e.key & (1<<codeBits - 1))),
		Effective: fromYMD(e.eff),
		Deleted:   fromYMD(e.del),
		Modifier:  int(e.mod),
		Rationale: ix.rationales[e.rat],
	}
}

// PTP returns the PTP edit with column1 and column2 in that order that
// governs a service on date dos, and whether there is one in effect.
func (e *Edits) PTP(s Setting, column1, column2 string, dos rcm.Date) (PTPEdit, bool) {
	ix := e.ptp[s]
	c1, ok1 := packCode([]byte(column1))
	c2, ok2 := packCode([]byte(column2))
	if ix == nil || !ok1 || !ok2 {
		return PTPEdit{}, false
	}
	r, ok := governing(ix.rows(c1, c2), toYMD(dos))
	if !ok {
		return PTPEdit{}, false
	}
	return ix.edit(r), true
}

// PTPHistory returns every row of the pair (column1, column2), in effect
// or not, as the table lists them.
func (e *Edits) PTPHistory(s Setting, column1, column2 string) []PTPEdit {
	ix := e.ptp[s]
	c1, ok1 := packCode([]byte(column1))
	c2, ok2 := packCode([]byte(column2))
	if ix == nil || !ok1 || !ok2 {
		return nil
	}
	var out []PTPEdit
	for _, r := range ix.rows(c1, c2) {
		out = append(out, ix.edit(r))
	}
	return out
}

// MUE returns the MUE of code in the setting for date dos: the row with the
// latest effective date on or before dos. CMS applies MUEs by date of
// service; for a date before every imported release the oldest release's
// row stands in, since the MUE of an earlier date was not imported and a
// missing check would hide an error.
func (e *Edits) MUE(s Setting, code string, dos rcm.Date) (MUEEdit, bool) {
	ix := e.mue[s]
	c, ok := packCode([]byte(code))
	if ix == nil || !ok {
		return MUEEdit{}, false
	}
	r, ok := ix.lookup(c, toYMD(dos))
	if !ok {
		return MUEEdit{}, false
	}
	return MUEEdit{Code: unpackCode(r.code), Setting: s, Value: int(r.value), MAI: int(r.mai),
		Rationale: ix.rationales[r.rat], Effective: fromYMD(r.eff)}, true
}

func (ix *mueIndex) lookup(code uint32, dos ymd) (mueEntry, bool) {
	span, ok := ix.byCode[code]
	if !ok {
		return mueEntry{}, false
	}
	es := ix.entries[span[0]:span[1]]
	best := es[0]
	for _, r := range es[1:] {
		if r.eff <= dos {
			best = r
		}
	}
	return best, true
}
