package claim_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/x12"
)

// recorder is a Sender that keeps what it was given and can be told to fail.
type recorder struct {
	fail  bool
	files map[string][]byte
	sends int
}

func (r *recorder) Send(ctx context.Context, name string, data []byte) error {
	r.sends++
	if r.fail {
		return errors.New("connection reset")
	}
	if r.files == nil {
		r.files = map[string][]byte{}
	}
	r.files[name] = append([]byte(nil), data...)
	return nil
}

var partner = claim.Partner{SubmitterName: "Lakeside", SubmitterID: "LAKESIDE01", ContactName: "Billing", ContactPhone: "2175550140",
	ReceiverName: "Sandbox Clearinghouse", ReceiverID: "SANDBOXCH"}

func readyClaim(t *testing.T, ctx context.Context, f *fixture) *rcm.Claim {
	t.Helper()
	f.encounter.Status = rcm.EncounterCoded
	must(t, f.db.UpdateEncounter(ctx, f.encounter))
	c, err := claim.Build(ctx, f.db, f.encounter.ID, 1)
	must(t, err)
	must(t, f.db.CreateClaim(ctx, c))
	if state, err := f.db.RecordScrub(ctx, c.ID, nil); err != nil || state != rcm.ClaimReady {
		t.Fatalf("clean scrub: %s, %v", state, err)
	}
	return c
}

func TestSubmitIsIdempotent(t *testing.T) {
	ctx, f := setup(t)
	c := readyClaim(t, ctx, f)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	// The first try stores the batch and fails to send it.
	send := &recorder{fail: true}
	if _, err := claim.Submit(ctx, f.db, send, partner, f.primary.ID, "batch-2026-03-02", now); err == nil {
		t.Fatal("Submit with a failing transport reported success")
	}
	stored, err := f.db.FindSubmissionByKey(ctx, "batch-2026-03-02")
	if err != nil || stored.State != rcm.SubmissionPending || len(stored.ClaimIDs) != 1 || stored.Control != 1 {
		t.Fatalf("stored submission = %+v, %v; want pending with one claim and control 1", stored, err)
	}
	got, _ := f.db.FindClaimByID(ctx, c.ID)
	if got.State != rcm.ClaimSubmitted {
		t.Errorf("claim state = %s, want submitted once its batch is stored", got.State)
	}

	// The retry with the same key sends the stored bytes, unchanged.
	send.fail = false
	sub, err := claim.Submit(ctx, f.db, send, partner, f.primary.ID, "batch-2026-03-02", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(send.files[sub.FileName], stored.Content) || sub.State != rcm.SubmissionSent {
		t.Errorf("retry sent %d bytes (state %s); want the stored file", len(send.files[sub.FileName]), sub.State)
	}
	if res := x12.Validate(bytes.NewReader(stored.Content)); !res.Valid() {
		t.Errorf("stored 837P is invalid: %v %v", res.Findings, res.Err)
	}
	// A third call with the same key sends nothing more.
	sends := send.sends
	if _, err := claim.Submit(ctx, f.db, send, partner, f.primary.ID, "batch-2026-03-02", now); err != nil || send.sends != sends {
		t.Errorf("third Submit: %v, %d sends (was %d)", err, send.sends, sends)
	}
	// A new key finds no ready claim: the claim never goes out twice.
	sub, err = claim.Submit(ctx, f.db, send, partner, f.primary.ID, "batch-2026-03-03", now)
	if sub != nil || err != nil {
		t.Errorf("Submit with nothing ready = %+v, %v; want nil, nil", sub, err)
	}
	// Storing the same claim in a second batch by hand is refused.
	err = f.db.CreateSubmission(ctx, &rcm.Submission{PayerID: f.primary.ID, Receiver: "SANDBOXCH", Key: "manual", Control: 99,
		ClaimIDs: []int64{c.ID}, Content: []byte("x"), FileName: "x"})
	if rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("second batch with the same claim: %v, want a conflict", err)
	}
	// The next reservation continues after the numbers the batch used.
	next, err := f.db.ReserveControlNumbers(ctx, "SANDBOXCH", 1)
	if err != nil || next != 4 {
		t.Errorf("next control number = %d, %v; want 4", next, err)
	}
}
