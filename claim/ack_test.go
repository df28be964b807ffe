package claim_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/x12"
)

// writeAck writes a response from the clearinghouse (ISA06 SANDBOXCH) with
// one transaction set of the given kind; body writes its segments.
func writeAck(t *testing.T, id, version string, body func(w *x12.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := x12.NewWriter(&buf, x12.DefaultDelimiters, true, &x12.Counter{N: 500})
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	fid := map[string]string{"999": "FA", "277": "HN"}[id]
	must(t, w.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: "SANDBOXCH", ReceiverQual: "ZZ", Receiver: "LAKESIDE01", Time: now}))
	must(t, w.StartGroup(x12.GroupHeader{FunctionalID: fid, Sender: "SANDBOXCH", Receiver: "LAKESIDE01", Time: now, Version: version}))
	_, err := w.StartTransaction(id, version)
	must(t, err)
	body(w)
	must(t, w.EndTransaction())
	must(t, w.EndGroup())
	must(t, w.EndInterchange())
	must(t, w.Flush())
	if res := x12.Validate(bytes.NewReader(buf.Bytes())); !res.Valid() {
		t.Fatalf("test response is not valid X12: %v %v\n%s", res.Findings, res.Err, buf.String())
	}
	return buf.Bytes()
}

func Test277CAAcceptsAndRejects(t *testing.T) {
	ctx, f := setup(t)
	c := readyClaim(t, ctx, f)
	send := &recorder{}
	sub, err := claim.Submit(ctx, f.db, send, partner, f.primary.ID, "k1", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	must(t, err)
	accept := writeAck(t, "277", "005010X214", func(w *x12.Writer) {
		ack277CA(w, c.ControlNumber, "A2:20:PR", "PCN-778899", c.TotalCharge())
	})
	res, err := claim.ReadAcknowledgement(ctx, f.db, accept)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != "277CA" || len(res.Accepted) != 1 || res.Accepted[0].ClaimID != c.ID {
		t.Fatalf("277CA result = %+v", res)
	}
	got, _ := f.db.FindClaimByID(ctx, c.ID)
	if got.State != rcm.ClaimAccepted || got.PayerClaimNumber != "PCN-778899" {
		t.Errorf("claim after 277CA: %s, payer number %q", got.State, got.PayerClaimNumber)
	}
	// The same file again changes nothing.
	res, err = claim.ReadAcknowledgement(ctx, f.db, accept)
	if err != nil || len(res.Accepted) != 0 || len(res.Unchanged) != 1 {
		t.Errorf("second read = %+v, %v", res, err)
	}
	// A later rejection of an accepted claim (payer front end) lands it in
	// the rejection worklist with the reason in words.
	reject := writeAck(t, "277", "005010X214", func(w *x12.Writer) {
		ack277CA(w, c.ControlNumber, "A7:562:85", "", c.TotalCharge())
	})
	res, err = claim.ReadAcknowledgement(ctx, f.db, reject)
	if err != nil || len(res.Rejected) != 1 {
		t.Fatalf("rejection = %+v, %v", res, err)
	}
	want := "rejected for invalid information: National Provider Identifier (NPI) (billing provider)"
	if !strings.Contains(res.Rejected[0].Reason, want) {
		t.Errorf("reason %q lacks %q", res.Rejected[0].Reason, want)
	}
	worklist, _ := f.db.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimRejected})
	if len(worklist) != 1 {
		t.Errorf("rejection worklist has %d claims", len(worklist))
	}
	unknown := writeAck(t, "277", "005010X214", func(w *x12.Writer) { ack277CA(w, "NOPE-1", "A2:20", "", 100) })
	res, err = claim.ReadAcknowledgement(ctx, f.db, unknown)
	if err != nil || len(res.Unmatched) != 1 {
		t.Errorf("unknown claim = %+v, %v", res, err)
	}
	_ = sub
}

func Test999RejectsTheTransactionSet(t *testing.T) {
	ctx, f := setup(t)
	c := readyClaim(t, ctx, f)
	sub, err := claim.Submit(ctx, f.db, &recorder{}, partner, f.primary.ID, "k1", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	must(t, err)
	// Control numbers: ISA13 = sub.Control, GS06 = +1, the one ST02 = +2.
	rej := writeAck(t, "999", "005010X231A1", func(w *x12.Writer) {
		must(t, w.Segment("AK1", "HC", fmt.Sprint(sub.Control+1), claim.Version837P))
		must(t, w.Segment("AK2", "837", fmt.Sprintf("%04d", sub.Control+2), claim.Version837P))
		must(t, w.Segment("IK3", "NM1", "9", "2010", "8"))
		must(t, w.Segment("IK4", "9", "67", "7", "XX"))
		must(t, w.Segment("IK5", "R", "5"))
		must(t, w.Segment("AK9", "R", "1", "1", "0"))
	})
	res, err := claim.ReadAcknowledgement(ctx, f.db, rej)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != "999" || len(res.Rejected) != 1 || res.Rejected[0].ClaimID != c.ID {
		t.Fatalf("999 result = %+v", res)
	}
	if !strings.Contains(res.Rejected[0].Reason, "segment NM1 at position 9: segment has data element errors, element 9: invalid code value") {
		t.Errorf("reason = %q", res.Rejected[0].Reason)
	}
	if _, err := claim.ReadAcknowledgement(ctx, f.db, []byte("not x12")); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("garbage: %v", err)
	}
}

// ack277CA writes the loops of a 277CA for one claim.
func ack277CA(w *x12.Writer, control, stc, payerNumber string, charge rcm.Money) {
	seg := func(id string, els ...string) {
		if err := w.Segment(id, els...); err != nil {
			panic(err)
		}
	}
	seg("BHT", "0085", "08", "R1", "20260302", "1000", "TH")
	seg("HL", "1", "", "20", "1")
	seg("NM1", "PR", "2", "SANDBOX PAYER", "", "", "", "", "PI", "SBMCR")
	seg("TRN", "1", "R1")
	seg("DTP", "050", "D8", "20260302")
	seg("DTP", "009", "D8", "20260302")
	seg("HL", "2", "1", "21", "1")
	seg("NM1", "41", "2", "LAKESIDE", "", "", "", "", "46", "LAKESIDE01")
	seg("TRN", "2", "B1")
	seg("STC", "A1:20", "20260302", "WQ", charge.X12())
	seg("QTY", "90", "1")
	seg("AMT", "YU", charge.X12())
	seg("HL", "3", "2", "19", "1")
	seg("NM1", "85", "2", "LAKESIDE", "", "", "", "", "XX", "1234567893")
	seg("HL", "4", "3", "PT")
	seg("NM1", "QC", "1", "D", "C", "", "", "", "MI", "1EG4TE5MK73")
	seg("TRN", "2", control)
	// STC03: WQ accepted, U rejected.
	action := "WQ"
	if strings.HasPrefix(stc, "A3") || strings.HasPrefix(stc, "A6") || strings.HasPrefix(stc, "A7") || strings.HasPrefix(stc, "A8") {
		action = "U"
	}
	seg("STC", w.Composite(strings.Split(stc, ":")...), "20260302", action, charge.X12())
	if payerNumber != "" {
		seg("REF", "1K", payerNumber)
	}
	seg("DTP", "472", "D8", "20260102")
}

// Test277CALineRejection: a 277CA that names a rejected service line (loop
// 2220D) rejects the claim, whatever its claim-level status says, and the
// reason names the line.
func Test277CALineRejection(t *testing.T) {
	ctx, f := setup(t)
	c := readyClaim(t, ctx, f)
	if _, err := claim.Submit(ctx, f.db, &recorder{}, partner, f.primary.ID, "k1", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	ack := writeAck(t, "277", "005010X214", func(w *x12.Writer) {
		ack277CA(w, c.ControlNumber, "A1:19:PR", "", c.TotalCharge())
		must(t, w.Segment("SVC", w.Composite("HC", "99213", "25"), "125", "", "", "", "", "1"))
		must(t, w.Segment("STC", w.Composite("A7", "187"), "20260302", "U"))
		must(t, w.Segment("REF", "FJ", "L1"))
		must(t, w.Segment("DTP", "472", "D8", "20260102"))
	})
	res, err := claim.ReadAcknowledgement(ctx, f.db, ack)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) != 1 || len(res.Accepted) != 0 {
		t.Fatalf("result = %+v", res)
	}
	want := "line 99213-25 (line control L1): rejected for invalid information: date of service"
	if r := res.Rejected[0].Reason; !strings.Contains(r, want) || !strings.Contains(r, "received by the payer") {
		t.Errorf("reason %q lacks %q", r, want)
	}
	if got, _ := f.db.FindClaimByID(ctx, c.ID); got.State != rcm.ClaimRejected {
		t.Errorf("claim state %s, want rejected", got.State)
	}
}
