package ncci

import (
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/edit/ncci/nccitest"
)

// BenchmarkReadPTP reads the full shared practitioner PTP table (2,546,017
// rows, gzip CSV) and builds the in-memory index.
func BenchmarkReadPTP(b *testing.B) {
	path := nccitest.File(b, nccitest.PTPPractitioner)
	for b.Loop() {
		rels, err := ReadFile(path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if Build(rels...).PTPRows(Practitioner) != 2546017 {
			b.Fatal("wrong row count")
		}
	}
}

// BenchmarkDecodePTP decodes the stored binary form of the full table and
// builds the index: the start-up cost once the table is in the store.
func BenchmarkDecodePTP(b *testing.B) {
	rels, err := ReadFile(nccitest.File(b, nccitest.PTPPractitioner), ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data, err := rels[0].MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := &Release{Kind: KindPTP, Setting: Practitioner}
		if err := r.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
		Build(r)
	}
}

// BenchmarkCheckClaim runs the PTP and MUE checks of 4- and 12-line claims
// against the full practitioner tables.
func BenchmarkCheckClaim(b *testing.B) {
	e := loadReal(b)
	engine, err := edit.NewEngine(&Checker{Edits: e, Setting: Practitioner})
	if err != nil {
		b.Fatal(err)
	}
	claims := map[string][]string{
		"4 lines":  {"20610", "99213-25", "97110x4", "A6460"},
		"12 lines": {"20610", "99213", "97110x4", "97140-59", "97530", "11042", "0213T", "20611-RT", "20610-LT", "36415", "96372x2", "J1100x10"},
	}
	for name, ls := range claims {
		cl := &edit.Claim{DateOfService: rcm.MustParseDate("2024-08-01")}
		for _, s := range ls {
			cl.Lines = append(cl.Lines, line(s))
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				engine.Check(cl)
			}
		})
	}
}
