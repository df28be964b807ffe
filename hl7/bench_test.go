package hl7_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/hl7"
	"github.com/openrcm/openrcm/sqldb"
)

// dftFile is n DFT^P03 messages, each a new patient's visit with two
// diagnoses and three charges, as an EHR's end-of-day charge file.
func dftFile(n int) []byte {
	var b []byte
	for i := range n {
		b = append(b, dftMessage("B", i)...)
	}
	return b
}

// dftMessage is the i-th such message of a sender: control id, account
// and visit numbers start with prefix.
func dftMessage(prefix string, i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "MSH|^~\\&|EHR|CL|OPENRCM|PR|20251215170000||DFT^P03|%s%06d|P|2.5.1\r", prefix, i)
	fmt.Fprintf(&b, "EVN|P03|20251215170000\r")
	fmt.Fprintf(&b, "PID|1||%sM%06d^^^CL^MR||Benchmark^Pat%d||19700101|F|||1 Main St^^Springfield^IL^62704\r", prefix, i, i)
	fmt.Fprintf(&b, "PV1|1|O|||||1245319599||||||||||||%sV%06d\r", prefix, i)
	b.WriteString("DG1|1||E11.9^^I10\rDG1|2||I10^^I10\r")
	b.WriteString("FT1|1|||20251215||CG|99214|||1|165.00||||||||E11.9~I10|1245319599\r")
	b.WriteString("FT1|2|||20251215||CG|83036|||1|35.00||||||||E11.9|1245319599\r")
	b.WriteString("FT1|3|||20251215||CG|36415|||1|12.00||||||||E11.9|1245319599\r")
	return []byte(b.String())
}

// BenchmarkDFTImport measures the file importer (rcm hl7 import) applying
// DFT messages into SQLite, each in its own transaction with its audit
// events; the figure is messages per second.
func BenchmarkDFTImport(b *testing.B) {
	const n = 2000
	data := dftFile(n)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		f := setup(b, sqldb.SQLite)
		b.StartTimer()
		start := processCPU()
		res, err := f.rc.ImportFile(f.ctx, data)
		cpu += processCPU() - start
		if err != nil {
			b.Fatal(err)
		}
		if len(res) != n || res[n-1].Ack.Code != hl7.AA {
			b.Fatalf("%d results, last %+v", len(res), res[len(res)-1].Ack)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
	// The machine is shared: CPU time per message is the steadier figure.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/msg")
}

// BenchmarkParse is the reader alone, for the ratio to the import.
func BenchmarkParse(b *testing.B) {
	msgs := hl7.Split(dftFile(100))
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			if _, err := hl7.Parse(m); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
