package eligibility

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/openrcm/openrcm/x12"
)

// Store is what sending checks needs of storage: control numbers, and the
// checks stored (with their trace numbers) before the 270 leaves.
type Store interface {
	ReserveControlNumbers(ctx context.Context, receiver string, n int) (int64, error)
	CreateEligibilityChecks(ctx context.Context, checks []*Check) error
}

// Sender delivers a file to the clearinghouse (a clearinghouse.Transport).
type Sender interface {
	Send(ctx context.Context, name string, data []byte) error
}

// Send builds one 270 for the requests, stores a check for each (which
// assigns its trace number) and sends the file. The file is built once
// before anything is stored, so a request that cannot be built stores
// nothing; a failed send leaves the checks stored, and their 271 still
// matches whenever it comes. It returns the file's name and the checks.
func Send(ctx context.Context, st Store, send Sender, p Partner, orgID int64, reqs []*Request, now time.Time) (string, []*Check, error) {
	// One number each for ISA13, GS06 and ST02; the first is also the 270's
	// reference (BHT03), which the 271 echoes.
	first, err := st.ReserveControlNumbers(ctx, p.ReceiverID, 3)
	if err != nil {
		return "", nil, err
	}
	in := &Inquiry{Partner: p, Reference: fmt.Sprintf("%09d", first), Originator: Originator(orgID), Time: now, Requests: reqs}
	build := func() ([]byte, error) {
		var buf bytes.Buffer
		err := Build270(&buf, in, &x12.Counter{N: first - 1})
		return buf.Bytes(), err
	}
	for i, r := range reqs {
		r.Trace = "check-" + strconv.Itoa(i)
	}
	if _, err := build(); err != nil {
		return "", nil, err
	}
	checks := make([]*Check, len(reqs))
	for i, r := range reqs {
		checks[i] = &Check{CoverageID: r.Coverage.ID, Reference: in.Reference, ServiceTypes: r.serviceTypes(), DateOfService: r.DateOfService}
	}
	if err := st.CreateEligibilityChecks(ctx, checks); err != nil {
		return "", nil, err
	}
	for i, r := range reqs {
		r.Trace = checks[i].Trace
	}
	data, err := build()
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("270-%s-%09d.x12", p.ReceiverID, first)
	if err := send.Send(ctx, name, data); err != nil {
		return name, checks, fmt.Errorf("send %s (the checks are stored; their 271 will still match): %w", name, err)
	}
	return name, checks, nil
}
