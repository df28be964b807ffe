package claim

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openrcm/openrcm"
)

// Sender delivers a batch file to a clearinghouse. Sending the same name
// with the same bytes twice must be harmless (the clearinghouse transports
// make it so); that, and the stored file, make a retried submission safe.
type Sender interface {
	Send(ctx context.Context, name string, data []byte) error
}

// SubmitServices are the stores a submission needs.
type SubmitServices interface {
	Services
	rcm.SubmissionService
}

// Submit sends every ready claim to a payer in one 837P batch, under an
// idempotency key. The file, its control numbers and the claims' move to
// submitted are stored before the file leaves; calling Submit again with
// the same key resends that stored file (if it had not gone out) and never
// builds a second one. It returns nil, nil when no claim is ready.
// Institutional claims wait for SubmitInstitutional: they go in 837I files.
func Submit(ctx context.Context, svc SubmitServices, send Sender, p Partner, payerID int64, key string, now time.Time) (*rcm.Submission, error) {
	return submit(ctx, svc, send, p, payerID, key, now, false)
}

// SubmitInstitutional sends every ready institutional claim to a payer in
// one 837I batch, with the same guarantees as Submit.
func SubmitInstitutional(ctx context.Context, svc SubmitServices, send Sender, p Partner, payerID int64, key string, now time.Time) (*rcm.Submission, error) {
	return submit(ctx, svc, send, p, payerID, key, now, true)
}

func submit(ctx context.Context, svc SubmitServices, send Sender, p Partner, payerID int64, key string, now time.Time, institutional bool) (*rcm.Submission, error) {
	if prev, err := svc.FindSubmissionByKey(ctx, key); err == nil {
		return prev, deliver(ctx, svc, send, prev)
	} else if rcm.ErrorCode(err) != rcm.ENOTFOUND {
		return nil, err
	}
	claims, bundles, err := readyClaims(ctx, svc, payerID, institutional)
	if err != nil || len(claims) == 0 {
		return nil, err
	}
	batch := &Batch{Partner: p, Time: now, Bundles: bundles}
	ids := make([]int64, len(claims))
	for i, c := range claims {
		ids[i] = c.ID
	}
	// One number each for ISA13 and GS06, and one per ST02.
	n := 2 + (len(claims)+maxClaimsPerTransaction-1)/maxClaimsPerTransaction
	first, err := svc.ReserveControlNumbers(ctx, p.ReceiverID, n)
	if err != nil {
		return nil, err
	}
	batch.Reference = fmt.Sprintf("%09d", first)
	var buf bytes.Buffer
	write, kind := Write837P, "837P"
	if institutional {
		write, kind = Write837I, "837I"
	}
	if err := write(&buf, batch, &block{next: first, end: first + int64(n)}); err != nil {
		return nil, err
	}
	sub := &rcm.Submission{PayerID: payerID, Receiver: p.ReceiverID, Key: key, Control: first, ClaimIDs: ids, Content: buf.Bytes(),
		FileName: fmt.Sprintf("%s-%s-%09d.x12", kind, p.ReceiverID, first)}
	if err := svc.CreateSubmission(ctx, sub); err != nil {
		return nil, err
	}
	// The claims' charges go on the payer's receivable now, so the 835 finds
	// them. Charging is idempotent; posting charges any line missed here.
	if ch, ok := svc.(Charger); ok {
		if err := ch.ChargeClaims(ctx, claims); err != nil {
			return sub, fmt.Errorf("charge the submitted claims (the batch is stored; retry with the same key): %w", err)
		}
	}
	return sub, deliver(ctx, svc, send, sub)
}

// MaxClaimsPerFile bounds the claims of one submitted file: clearinghouses
// commonly take at most 5,000 claims per batch. SubmitAll sends the rest
// in further files.
const MaxClaimsPerFile = 5000

// readyClaims reads up to MaxClaimsPerFile ready claims to a payer, of one
// kind, lowest id first, with their bundles: a page of ids at a time with
// the bundles of each page in a few queries when the store can, else in
// one list.
func readyClaims(ctx context.Context, svc SubmitServices, payerID int64, institutional bool) ([]*rcm.Claim, []*Bundle, error) {
	ps, ok := svc.(PipelineServices)
	if !ok {
		claims, err := svc.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimReady, PayerID: payerID, Limit: 1000})
		if err != nil {
			return nil, nil, err
		}
		claims = slices.DeleteFunc(claims, func(c *rcm.Claim) bool { return (c.Institutional != nil) != institutional })
		if len(claims) == 0 {
			return nil, nil, nil
		}
		bundles, err := LoadAll(ctx, svc, claims)
		return claims, bundles, err
	}
	var claims []*rcm.Claim
	var bundles []*Bundle
	var after int64
	for len(claims) < MaxClaimsPerFile {
		ids, err := ps.FindClaimIDs(ctx, rcm.ClaimReady, payerID, after, PageSize)
		if err != nil {
			return nil, nil, err
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		page := make([]*rcm.Claim, len(ids))
		for i, id := range ids {
			page[i] = &rcm.Claim{ID: id}
		}
		bs, err := LoadAll(ctx, svc, page)
		if err != nil {
			return nil, nil, err
		}
		for _, b := range bs {
			if (b.Claim.Institutional != nil) == institutional && len(claims) < MaxClaimsPerFile {
				claims = append(claims, b.Claim)
				bundles = append(bundles, b)
			}
		}
	}
	// Newest first in the file, as a list of claims reads.
	slices.Reverse(claims)
	slices.Reverse(bundles)
	return claims, bundles, nil
}

// SubmitAll sends every ready claim to a payer (professional claims in
// 837P files, institutional ones in 837I when institutional is set), in
// files of at most MaxClaimsPerFile claims: the first under key, the next
// under key-2, key-3 and so on. Calling it again with the same key resends
// what had not gone out and sends only claims that became ready since.
func SubmitAll(ctx context.Context, svc SubmitServices, send Sender, p Partner, payerID int64, key string, now time.Time, institutional bool) ([]*rcm.Submission, error) {
	var out []*rcm.Submission
	for n := 1; ; n++ {
		k := key
		if n > 1 {
			k = fmt.Sprintf("%s-%d", key, n)
		}
		s, err := submit(ctx, svc, send, p, payerID, k, now, institutional)
		if err != nil {
			return out, err
		}
		if s == nil {
			return out, nil
		}
		out = append(out, s)
	}
}

// Charger is implemented by stores with a ledger: it charges submitted
// claims' lines to their payers.
type Charger interface {
	ChargeClaims(ctx context.Context, claims []*rcm.Claim) error
}

func deliver(ctx context.Context, svc SubmitServices, send Sender, sub *rcm.Submission) error {
	if sub.State == rcm.SubmissionSent {
		return nil
	}
	if err := send.Send(ctx, sub.FileName, sub.Content); err != nil {
		return fmt.Errorf("send %s (stored; retry with the same key): %w", sub.FileName, err)
	}
	if err := svc.MarkSubmissionSent(ctx, sub.ID); err != nil {
		return err
	}
	sub.State = rcm.SubmissionSent
	return nil
}

// block is a Sequence over reserved control numbers [next, end).
type block struct{ next, end int64 }

func (b *block) Next() (int64, error) {
	if b.next >= b.end {
		return 0, fmt.Errorf("claim: control numbers exhausted at %d", b.end)
	}
	n := b.next
	b.next++
	return n, nil
}
