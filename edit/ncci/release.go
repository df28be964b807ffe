package ncci

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openrcm/openrcm"
)

// Release is one NCCI table as imported from one file: a PTP or MUE table
// of one setting. Its binary form (MarshalBinary) is what the store keeps.
type Release struct {
	// ID is the store's id; releases with higher ids were imported later
	// and win over older ones for the same code pair or code (see Build).
	ID      int64   `json:"id,omitempty"`
	Kind    Kind    `json:"kind"`
	Setting Setting `json:"setting"`
	// Source is the file (and zip member) the release was read from.
	Source     string    `json:"source"`
	ImportedAt time.Time `json:"imported_at,omitzero"`

	ptp        []ptpEntry // sorted by key; file order among equal keys
	mue        []mueEntry // sorted by code, then effective date
	rationales []string
}

// ptpEntry is one row of a PTP table: a code pair, its effective and
// deletion dates, its modifier indicator and an index into the release's
// rationales.
type ptpEntry struct {
	key      uint64
	eff, del ymd
	mod      uint8
	rat      uint16
}

// mueEntry is one row of an MUE table.
type mueEntry struct {
	code  uint32
	value uint32
	eff   ymd
	mai   uint8
	rat   uint16
}

// Rows returns the number of rows of the table.
func (r *Release) Rows() int { return len(r.ptp) + len(r.mue) }

// Effective returns the latest effective date in the table, the date CMS
// published it for; zero when the rows carry none (the shared PTP export).
func (r *Release) Effective() rcm.Date {
	var v ymd
	for _, e := range r.ptp {
		v = max(v, e.eff)
	}
	for _, e := range r.mue {
		v = max(v, e.eff)
	}
	return fromYMD(v)
}

// normalize sorts the rows into the order the index and the binary form
// need, unless the file was already in it (CMS sorts its files).
func (r *Release) normalize() error {
	if !slices.IsSortedFunc(r.ptp, cmpPTP) {
		slices.SortStableFunc(r.ptp, cmpPTP)
	}
	if !slices.IsSortedFunc(r.mue, cmpMUE) {
		slices.SortStableFunc(r.mue, cmpMUE)
	}
	for i := 1; i < len(r.mue); i++ {
		if r.mue[i].code == r.mue[i-1].code && r.mue[i].eff == r.mue[i-1].eff {
			return fmt.Errorf("code %s has two MUE rows effective %s", unpackCode(r.mue[i].code), fromYMD(r.mue[i].eff))
		}
	}
	return nil
}

func cmpPTP(a, b ptpEntry) int { return cmp.Compare(a.key, b.key) }

func cmpMUE(a, b mueEntry) int {
	if c := cmp.Compare(a.code, b.code); c != 0 {
		return c
	}
	return cmp.Compare(a.eff, b.eff)
}

// Binary form, version 1: a magic string naming the kind, the rationales,
// then the rows in index order with keys delta-encoded and every number a
// varint. The full practitioner PTP table (2.5 million rows) takes about
// 16 MB and decodes in tens of milliseconds.
const (
	magicPTP = "NCCIPTP1"
	magicMUE = "NCCIMUE1"
)

// MarshalBinary encodes the release's rows (not its metadata, which the
// store keeps in columns).
func (r *Release) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+len(r.ptp)*7+len(r.mue)*8)
	switch r.Kind {
	case KindPTP:
		b = append(b, magicPTP...)
	case KindMUE:
		b = append(b, magicMUE...)
	default:
		return nil, fmt.Errorf("ncci: release of unknown kind %q", r.Kind)
	}
	b = binary.AppendUvarint(b, uint64(len(r.rationales)))
	for _, s := range r.rationales {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(r.Rows()))
	var prev uint64
	for _, e := range r.ptp {
		b = binary.AppendUvarint(b, e.key-prev)
		prev = e.key
		b = binary.AppendUvarint(b, encDate(e.eff))
		b = binary.AppendUvarint(b, encDate(e.del))
		b = binary.AppendUvarint(b, uint64(e.rat)<<4|uint64(e.mod))
	}
	var prevCode uint32
	for _, e := range r.mue {
		b = binary.AppendUvarint(b, uint64(e.code-prevCode))
		prevCode = e.code
		b = binary.AppendUvarint(b, uint64(e.value))
		b = binary.AppendUvarint(b, encDate(e.eff))
		b = binary.AppendUvarint(b, uint64(e.rat)<<2|uint64(e.mai))
	}
	return b, nil
}

// Dates are stored as YYYYMMDD - 19000000 + 1 (three varint bytes until
// 2109), 0 for none.
func encDate(v ymd) uint64 {
	if v == 0 {
		return 0
	}
	return uint64(v) - 19000000 + 1
}

func decDate(v uint64) (ymd, error) {
	if v == 0 {
		return 0, nil
	}
	d := v + 19000000 - 1
	if d > 99991231 || d%100 == 0 || d%100 > 31 || d/100%100 == 0 || d/100%100 > 12 {
		return 0, errCorrupt
	}
	return ymd(d), nil
}

var errCorrupt = errors.New("ncci: corrupt release data")

// UnmarshalBinary decodes rows written by MarshalBinary into r, whose Kind
// says what to expect. It checks every value, so corrupt data is an error
// and never a wrong edit.
func (r *Release) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	magic := d.bytes(8)
	switch {
	case string(magic) == magicPTP && (r.Kind == KindPTP || r.Kind == ""):
		r.Kind = KindPTP
	case string(magic) == magicMUE && (r.Kind == KindMUE || r.Kind == ""):
		r.Kind = KindMUE
	default:
		return fmt.Errorf("%w: not a %s release", errCorrupt, r.Kind)
	}
	nr := d.uvarint()
	if nr > 1<<12 {
		return errCorrupt
	}
	r.rationales = make([]string, nr)
	for i := range r.rationales {
		r.rationales[i] = string(d.bytes(int(min(d.uvarint(), 1<<16))))
	}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) { // every row takes at least one byte
		return errCorrupt
	}
	r.ptp, r.mue = nil, nil
	if r.Kind == KindPTP {
		r.ptp = make([]ptpEntry, n)
		var key uint64
		for i := range r.ptp {
			key += d.uvarint()
			e := &r.ptp[i]
			e.key = key
			e.eff = d.date()
			e.del = d.date()
			v := d.uvarint()
			e.mod, e.rat = uint8(v&15), uint16(v>>4)
			if key>>(2*codeBits) != 0 || (e.mod != 0 && e.mod != 1 && e.mod != 9) || v>>4 >= nr || (i > 0 && key < r.ptp[i-1].key) {
				return errCorrupt
			}
			if d.err != nil {
				return d.err
			}
		}
	} else {
		r.mue = make([]mueEntry, n)
		var code uint64
		for i := range r.mue {
			code += d.uvarint()
			e := &r.mue[i]
			e.code = uint32(code)
			v := d.uvarint()
			e.value = uint32(v)
			e.eff = d.date()
			m := d.uvarint()
			e.mai, e.rat = uint8(m&3), uint16(m>>2)
			if code >= 1<<codeBits || v > 1<<31 || e.mai == 0 || m>>2 >= nr || (i > 0 && cmpMUE(r.mue[i-1], *e) >= 0) {
				return errCorrupt
			}
			if d.err != nil {
				return d.err
			}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return errCorrupt
	}
	return nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n int) []byte {
	if n > len(d.b) {
		d.err = errCorrupt
		d.b = nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) date() ymd {
	v, err := decDate(d.uvarint())
	if err != nil {
		d.err = err
	}
	return v
}
