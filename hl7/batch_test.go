package hl7_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/hl7"
	"github.com/openrcm/openrcm/sqldb"
)

// TestImportFileBatchPatients applies, in one batch, messages that name the
// same patients: a DFT finds the patient an earlier message of the batch
// registered (its account number in other case), and a message that fails
// after registering its patient leaves nothing a later message could find.
func TestImportFileBatchPatients(t *testing.T) {
	f := setup(t, sqldb.SQLite)
	pv1 := func(visit string) string { return "PV1|1|O|||||1245319599||||||||||||" + visit }
	ft1 := "FT1|1|||20251215||CG|99214|||1|165.00||||||||E11.9|1245319599"
	file := strings.Join([]string{
		string(adt("REG1", pid, "PV1|1|O")),
		// MRN77 in lower case: the patient REG1 registered.
		string(msg(strings.Replace(mshDFT, "%s", "CHG1", 1), strings.Replace(pid, "MRN77", "mrn77", 1), pv1("V1"), "DG1|1||E11.9^^I10", ft1)),
		// A new patient whose charge names an unknown provider: refused,
		// and the patient it registered rolls back with it.
		string(msg(strings.Replace(mshDFT, "%s", "BAD1", 1), "PID|1||NEW5^^^CL^MR||Newman^Nora||19800101|F|||2 Elm St^^Springfield^IL^62704", pv1("V2"), "DG1|1||E11.9^^I10",
			strings.Replace(ft1, "|1245319599", "|1234567893", 1))),
		// The same patient again, now with a good charge: registered anew.
		string(msg(strings.Replace(mshDFT, "%s", "CHG2", 1), "PID|1||NEW5^^^CL^MR||Newman^Nora||19800101|F|||2 Elm St^^Springfield^IL^62704", pv1("V3"), "DG1|1||E11.9^^I10", ft1)),
		string(msg(strings.Replace(mshDFT, "%s", "CHG1", 1), strings.Replace(pid, "MRN77", "mrn77", 1), pv1("V1"), "DG1|1||E11.9^^I10", ft1)),
	}, "")
	res, err := f.rc.ImportFile(f.ctx, []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range res {
		codes = append(codes, r.Ack.Code)
	}
	if got, want := strings.Join(codes, " "), "AA AA AE AA AA"; got != want {
		t.Fatalf("ACKs %s, want %s: %+v", got, want, res)
	}
	if res[1].PatientID != res[0].PatientID || res[0].PatientID == 0 {
		t.Errorf("CHG1 applied to patient %d, REG1 registered %d", res[1].PatientID, res[0].PatientID)
	}
	if !res[4].Ack.Duplicate || res[4].EncounterID != res[1].EncounterID {
		t.Errorf("resent CHG1: %+v", res[4])
	}
	ps := f.patients(t, "Newman")
	if len(ps) != 1 || ps[0].ID != res[3].PatientID {
		t.Fatalf("patients named Newman %+v, want the one CHG2 registered (%d)", ps, res[3].PatientID)
	}
}

// TestGroupCommitOverMLLP has eight senders, each over its own MLLP
// connection, send charges at once to a listener that shares commits
// among them: every message is answered after its commit, each with its
// own ACK, and a bad message among them fails alone.
func TestGroupCommitOverMLLP(t *testing.T) {
	f := setup(t, sqldb.SQLite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error)
	go func() { done <- (&hl7.Listener{Receiver: f.rc, Serialize: true}).Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	const senders, each = 8, 5
	acks := make([][]string, senders)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			r := bufio.NewReader(c)
			for i := range each {
				m := dftMessage(fmt.Sprintf("S%d", s), i)
				if s == 3 && i == 2 {
					m = []byte(strings.Replace(string(m), "|1245319599", "|1234567893", -1))
				}
				if err := hl7.WriteFrame(c, m); err != nil {
					t.Error(err)
					return
				}
				raw, err := hl7.ReadFrame(r)
				if err != nil {
					t.Error(err)
					return
				}
				ack, err := hl7.Parse(raw)
				if err != nil {
					t.Error(err)
					return
				}
				msa := ack.Segment("MSA")
				acks[s] = append(acks[s], msa.Value(1, 1)+" "+msa.Value(2, 1))
			}
		})
	}
	wg.Wait()
	for s := range senders {
		for i := range each {
			want := fmt.Sprintf("AA S%d%06d", s, i)
			if s == 3 && i == 2 {
				want = fmt.Sprintf("AE S%d%06d", s, i)
			}
			if i >= len(acks[s]) || acks[s][i] != want {
				t.Errorf("sender %d message %d: ACK %v, want %s", s, i, acks[s], want)
				break
			}
		}
	}
	applied, err := f.db.FindInterfaceMessages(f.ctx, rcm.InterfaceMessageFilter{Kind: rcm.InterfaceHL7, Status: rcm.InterfaceApplied})
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != senders*each-1 {
		t.Errorf("%d messages applied, want %d", len(applied), senders*each-1)
	}
	if ps := f.patients(t, "Benchmark"); len(ps) != senders*each-1 {
		t.Errorf("%d patients registered, want %d", len(ps), senders*each-1)
	}
}
