package jobs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// PipelineArgs is an organization's claim pipeline run: it cuts the coded
// encounters into blocks and enqueues one PipelineBlockArgs job for each.
type PipelineArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind implements river.JobArgs.
func (PipelineArgs) Kind() string { return "claim_pipeline" }

// Organization implements OrgArgs.
func (a PipelineArgs) Organization() int64 { return a.OrgID }

// PipelineBlockArgs is the claim pipeline of one block of an
// organization's encounters: encounter ids First to Last.
type PipelineBlockArgs struct {
	OrgID int64 `json:"org_id"`
	First int64 `json:"first"`
	Last  int64 `json:"last"`
}

// Kind implements river.JobArgs.
func (PipelineBlockArgs) Kind() string { return "claim_pipeline_block" }

// Organization implements OrgArgs.
func (a PipelineBlockArgs) Organization() int64 { return a.OrgID }

// PipelineServices are the stores the claim pipeline's jobs use: the
// set-based pipeline and submission, and the two reads that cut the work
// into blocks.
type PipelineServices interface {
	claim.PipelineServices
	rcm.SubmissionService
	FindClearinghouse(ctx context.Context) (*rcm.Clearinghouse, error)
	// FindCodedEncounterBlocks returns the numbers of the blocks of width
	// encounter ids holding coded encounters, lowest first.
	FindCodedEncounterBlocks(ctx context.Context, width int64) ([]int64, error)
	// FindPipelineClaims returns the claims in a state of the encounters
	// with ids from first to last, lowest claim id first.
	FindPipelineClaims(ctx context.Context, state string, first, last int64) ([]rcm.PipelineClaim, error)
}

// Pipeline says how the claim pipeline's jobs work.
type Pipeline struct {
	Store PipelineServices
	// Open opens the clearinghouse transport an organization's settings
	// name.
	Open func(ctx context.Context, spec string) (clearinghouse.Transport, error)
	// Scrubber returns the organization's scrubber for a day.
	Scrubber func(ctx context.Context, today rcm.Date, org int64) (*claim.Scrubber, error)
	// Eligibility, when set, reads a page's eligibility answers at once.
	Eligibility claim.EligibilityBatch
	Now         func() time.Time
	// Block is how many encounter ids one job covers; 0 means
	// DefaultPipelineBlock.
	Block int64
	// Done, when set, is told what each block job did (counts only).
	Done func(ctx context.Context, a PipelineBlockArgs, r PipelineResult)
}

// DefaultPipelineBlock is how many encounter ids one block job covers:
// four pages of the set-based pipeline. Encounter ids are shared by all
// organizations, so a block of a busy database holds fewer than this of
// one organization's encounters.
const DefaultPipelineBlock = 4 * claim.PageSize

// PipelineResult counts what one block job did.
type PipelineResult struct {
	Built, Unbillable, Scrubbed, Ready, Submitted, Files int
}

// blockOpts makes a block job unique while it waits or runs: the leader of
// a later period (or a second leader) cannot enqueue the same block again
// until it is done, and blocks never overlap, so no encounter is built by
// two jobs at once. A block done may be enqueued again: encounters coded
// since in its id range are built then.
var blockOpts = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}

// ClaimPipeline returns the claim pipeline's two kinds. The scheduled one
// (off until an admin sets its schedule, as claims then go out without a
// command; 5 minutes is the suggested period; or when an admin runs it now)
// reads which
// blocks of encounter ids hold coded encounters and enqueues one block job
// each; every block job builds the claims of its block's coded
// encounters, scrubs those drafts and submits those ready, in files of its
// own per payer under a key naming the block, using the set-based
// pipeline (claim.BuildAll, claim.ScrubAll, claim.SubmitAll) restricted to
// the block. Any number of workers share the block jobs and none does a
// claim twice: blocks are disjoint and unique while queued or running; a
// claim is built once per encounter (its number names the encounter); a
// submission moves only ready claims (checked under a row lock as it is
// stored), and a retried block resends its stored files rather than
// building new ones.
//
// On SQLite the database has one writer at a time, so a second worker
// adds no throughput there; on PostgreSQL the blocks' transactions run
// side by side.
func ClaimPipeline(p Pipeline) []Kind {
	if p.Block == 0 {
		p.Block = DefaultPipelineBlock
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	var q *Queue
	leader := Scheduled("Claim pipeline: build, scrub and submit the claims of coded encounters", 5*time.Minute,
		func(org int64) PipelineArgs { return PipelineArgs{OrgID: org} },
		func(ctx context.Context, a PipelineArgs) error {
			blocks, err := p.Store.FindCodedEncounterBlocks(ctx, p.Block)
			if err != nil || len(blocks) == 0 {
				return err
			}
			params := make([]river.InsertManyParams, len(blocks))
			for i, b := range blocks {
				params[i] = river.InsertManyParams{Args: PipelineBlockArgs{OrgID: a.OrgID, First: b*p.Block + 1, Last: (b + 1) * p.Block}, InsertOpts: blockOpts}
			}
			_, err = q.client.InsertMany(ctx, params)
			return err
		})
	leader.Off = true
	block := Define("Claim pipeline: one block of encounters", func(ctx context.Context, a PipelineBlockArgs) error {
		ctx = AsOrganization(ctx, a.OrgID)
		r, err := p.runBlock(ctx, a)
		if err == nil && p.Done != nil {
			p.Done(ctx, a, r)
		}
		return err
	})
	// The leader enqueues through the queue it runs in.
	add := leader.add
	leader.add = func(w *river.Workers, qu *Queue) error {
		q = qu
		return add(w, qu)
	}
	return []Kind{leader, block}
}

// runBlock builds, scrubs and submits one block.
func (p Pipeline) runBlock(ctx context.Context, a PipelineBlockArgs) (PipelineResult, error) {
	var r PipelineResult
	svc := &blockStore{PipelineServices: p.Store, first: a.First, last: a.Last}
	err := claim.BuildAll(ctx, svc, 1, func(b claim.Built) error {
		if b.Err != nil {
			r.Unbillable++
		} else {
			r.Built++
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("build encounters %d to %d: %w", a.First, a.Last, err)
	}
	// The block's drafts: those just built and any a killed run left.
	drafts, err := p.Store.FindPipelineClaims(ctx, rcm.ClaimDraft, a.First, a.Last)
	if err != nil {
		return r, err
	}
	if len(drafts) > 0 {
		s, err := p.Scrubber(ctx, rcm.DateOf(p.Now()), a.OrgID)
		if err != nil {
			return r, err
		}
		err = claim.ScrubAll(ctx, svc, s, rcm.ClaimDraft, p.Eligibility, func(c claim.Scrubbed) error {
			r.Scrubbed++
			if c.State == rcm.ClaimReady {
				r.Ready++
			}
			return nil
		})
		if err != nil {
			return r, fmt.Errorf("scrub the claims of encounters %d to %d: %w", a.First, a.Last, err)
		}
	}
	ready, err := p.Store.FindPipelineClaims(ctx, rcm.ClaimReady, a.First, a.Last)
	if err != nil || len(ready) == 0 {
		return r, err
	}
	ch, err := p.Store.FindClearinghouse(ctx)
	if rcm.ErrorCode(err) == rcm.ENOTFOUND {
		// Nowhere to send: the claims stay ready for a later run.
		return r, nil
	}
	if err != nil {
		return r, err
	}
	t, err := p.Open(ctx, ch.Transport)
	if err != nil {
		return r, err
	}
	defer t.Close()
	var payers []int64
	for _, c := range ready {
		if !slices.Contains(payers, c.PayerID) {
			payers = append(payers, c.PayerID)
		}
	}
	// The key names the block and the day: a retry of this job resends
	// what it stored and sends only what became ready since.
	day := rcm.DateOf(p.Now())
	for _, payer := range payers {
		for _, kind := range []struct {
			suffix        string
			institutional bool
		}{{"", false}, {"-837I", true}} {
			key := fmt.Sprintf("%s-pipeline-%d-%d-payer%d%s", day, a.First, a.Last, payer, kind.suffix)
			subs, err := claim.SubmitAll(ctx, svc, t, claim.PartnerOf(ch), payer, key, p.Now(), kind.institutional)
			for _, s := range subs {
				r.Files++
				r.Submitted += len(s.ClaimIDs)
			}
			if err != nil {
				return r, fmt.Errorf("submit the claims of encounters %d to %d: %w", a.First, a.Last, err)
			}
		}
	}
	return r, nil
}

// blockStore narrows the set-based pipeline's reads to one block: the
// coded encounters, and the claims of the encounters, with ids first to
// last.
type blockStore struct {
	PipelineServices
	first, last int64
	// done is set once a page reached past the block.
	done bool
}

// FindBillable returns the block's coded encounters above after.
func (s *blockStore) FindBillable(ctx context.Context, after int64, limit int) ([]*claim.Billable, error) {
	if s.done || after >= s.last {
		return nil, nil
	}
	page, err := s.PipelineServices.FindBillable(ctx, max(after, s.first-1), limit)
	if err != nil {
		return nil, err
	}
	n := len(page)
	for n > 0 && page[n-1].Encounter.ID > s.last {
		n--
	}
	if n < len(page) {
		s.done = true
	}
	return page[:n], nil
}

// FindClaimIDs returns the ids of the block's claims in a state (and to a
// payer) above after, read afresh on each call: a submission reads the
// ready claims again after the claims of its first file went out.
func (s *blockStore) FindClaimIDs(ctx context.Context, state string, payerID, after int64, limit int) ([]int64, error) {
	claims, err := s.FindPipelineClaims(ctx, state, s.first, s.last)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range claims {
		if c.ID > after && (payerID == 0 || c.PayerID == payerID) {
			ids = append(ids, c.ID)
			if len(ids) == limit {
				break
			}
		}
	}
	return ids, nil
}
