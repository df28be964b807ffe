// Package inbox reads what comes back from the clearinghouse and applies
// each file where it belongs: 999 and 277CA acknowledgements move claims,
// 835 remittances post into the ledger, 271 eligibility answers land on the
// coverages. One routine serves the command line (rcm clearinghouse poll),
// the demo and the server, so every path reads a file the same way.
package inbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/x12"
)

// Services are the stores the inbox applies files to.
type Services interface {
	claim.AckServices
	remit.Store
	RecordEligibility(ctx context.Context, results []eligibility.Result) ([]*eligibility.Record, error)
	RecordQuarantine(ctx context.Context, f *rcm.QuarantinedFile) error
	RecordClaimStatus(ctx context.Context, file string, answers []claimstatus.Answer, codes *claimstatus.Codes) ([]*claimstatus.Check, error)
}

// File is what one response file did.
type File struct {
	Name string
	// Kind is 999, 277CA, 835 or 271; "" when the file could not be read.
	Kind string
	// Applied is false when the file was left in the inbound folder for a
	// person (it could not be read or applied).
	Applied bool
	// Summary says what happened, in a line.
	Summary string
	// Details are further lines: rejected claims, posting exceptions,
	// eligibility answers.
	Details []string
	Ack     *claim.AckResult
	Posts   []*remit.Result
	// Eligibility holds the 271 answers stored.
	Eligibility []*eligibility.Record
	// Status holds the 277 claim status answers stored.
	Status []*claimstatus.Check
	// Quarantined is set when Poll moved the file to the quarantine
	// folder: it could not be read or applied as it is, and reading it
	// again would fail the same way.
	Quarantined *rcm.QuarantinedFile
	// err is why the file was not applied.
	err error
}

// setAside reports whether a file that was not applied fails for what it
// holds, so that every later poll would fail on it the same way: too
// large, not valid X12, not balanced, a copy of a posted 835 under another
// trace. Failures of the moment (the database, the network) leave the file
// where it is for the next poll.
func setAside(err error) bool {
	var same *remit.SameContentError
	return rcm.ErrorCode(err) == rcm.EINVALID || errors.As(err, &same)
}

// Poll applies every file waiting in the transport's inbound folder, in
// name order, and archives each one applied. A file that cannot be read or
// applied as it is (too large, not valid X12, a copy of a posted 835) is
// moved to the quarantine folder and recorded with its reason; one that
// failed for a passing reason (the database, the network) stays for the
// next poll. Either way the files after it are read: one bad file never
// stops the inbox. Poll returns an error only when the folder cannot be
// listed or the context ends.
func Poll(ctx context.Context, svc Services, t clearinghouse.Transport) ([]File, error) {
	names, err := t.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		var f File
		if data, err := t.Fetch(ctx, name); err != nil {
			f = failed(File{Name: name}, fmt.Errorf("the file could not be read: %w", err))
		} else {
			f = Apply(ctx, svc, name, data)
		}
		switch {
		case f.Applied:
			if err := t.Ack(ctx, name); err != nil {
				f.Details = append(f.Details, "not archived, it will be read again: "+message(err))
			}
		case setAside(f.err):
			quarantine(ctx, svc, t, &f)
		}
		out = append(out, f)
	}
	return out, nil
}

// quarantine moves f out of the inbound folder and records why.
func quarantine(ctx context.Context, svc Services, t clearinghouse.Transport, f *File) {
	as, err := t.Quarantine(ctx, f.Name)
	if err != nil {
		f.Details = append(f.Details, "could not be moved to the quarantine folder: "+message(err))
		return
	}
	q := &rcm.QuarantinedFile{Name: f.Name, StoredAs: as, Kind: f.Kind, Reason: message(f.err)}
	if err := svc.RecordQuarantine(ctx, q); err != nil {
		f.Details = append(f.Details, "moved to the quarantine folder as "+as+", but not recorded: "+message(err))
		return
	}
	f.Quarantined = q
	f.Summary = strings.Replace(f.Summary, "(left in the inbound folder)", "(moved to the quarantine folder as "+as+")", 1)
}

// message is what a biller reads of err.
func message(err error) string {
	if rcm.ErrorCode(err) == rcm.EINTERNAL {
		return err.Error()
	}
	return rcm.ErrorMessage(err)
}

// failed marks f as not applied because of err.
func failed(f File, err error) File {
	f.err = err
	f.Summary = "not applied: " + message(err) + " (left in the inbound folder)"
	return f
}

// Apply reads one response file and applies it.
func Apply(ctx context.Context, svc Services, name string, data []byte) File {
	f := File{Name: name, Kind: kindOf(data)}
	fail := func(err error) File { return failed(f, err) }
	switch f.Kind {
	case "999", "277CA":
		res, err := claim.ReadAcknowledgement(ctx, svc, data)
		if err != nil {
			return fail(err)
		}
		f.Ack, f.Kind = res, res.Kind
		if res.Kind == "999" {
			f.Summary = fmt.Sprintf("transaction sets: %d accepted, %d rejected; %d claims rejected", res.SetsAccepted, res.SetsRejected, len(res.Rejected))
		} else {
			f.Summary = fmt.Sprintf("claims: %d accepted, %d rejected, %d unchanged, %d unmatched", len(res.Accepted), len(res.Rejected), len(res.Unchanged), len(res.Unmatched))
		}
		for _, r := range res.Rejected {
			f.Details = append(f.Details, fmt.Sprintf("rejected claim %s: %s", r.ControlNumber, r.Reason))
		}
		for _, u := range res.Unmatched {
			f.Details = append(f.Details, "unmatched: "+u)
		}
	case "835":
		results, err := remit.PostFile(ctx, svc, bytes.NewReader(data))
		if err != nil {
			return fail(err)
		}
		var parts []string
		for _, res := range results {
			f.Posts = append(f.Posts, res)
			if res.AlreadyPosted {
				parts = append(parts, fmt.Sprintf("trace %s already posted, nothing posted again", res.Trace))
				continue
			}
			parts = append(parts, fmt.Sprintf("trace %s %s: %d claims posted (%d denied, %d reversals), %s",
				res.Trace, res.Payer, res.Posted, res.Denied, res.Reversals, res.PostedAmount.Dollars()))
			for _, e := range res.Exceptions {
				f.Details = append(f.Details, "exception: "+e)
			}
			if n := len(res.SecondaryClaims); n > 0 {
				f.Details = append(f.Details, fmt.Sprintf("%d secondary claims created for the next payer", n))
			}
		}
		f.Summary = strings.Join(parts, "; ")
	case "271":
		results, err := eligibility.Read271(bytes.NewReader(data))
		if err != nil {
			return fail(err)
		}
		recs, err := svc.RecordEligibility(ctx, results)
		if err != nil {
			return fail(err)
		}
		f.Eligibility = recs
		f.Summary = fmt.Sprintf("%d eligibility answers stored", len(recs))
		for _, r := range recs {
			f.Details = append(f.Details, fmt.Sprintf("coverage %d: %s", r.CoverageID, r.Summary))
		}
	case "277":
		answers, err := claimstatus.Read277(bytes.NewReader(data))
		if err != nil {
			return fail(rcm.Errorf(rcm.EINVALID, "%s", err.Error()))
		}
		checks, err := svc.RecordClaimStatus(ctx, name, answers, nil)
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			// Read already: every later poll would refuse it the same way,
			// so it is set aside rather than left in the inbound folder.
			err = rcm.Errorf(rcm.EINVALID, "%s", rcm.ErrorMessage(err))
		}
		if err != nil {
			return fail(err)
		}
		f.Status = checks
		count := map[claimstatus.Outcome]int{}
		for _, k := range checks {
			count[k.Outcome]++
			f.Details = append(f.Details, fmt.Sprintf("claim %s: %s", k.ControlNumber, k.Words))
		}
		f.Summary = fmt.Sprintf("%d claim status answers: %d pending, %d paid, %d denied, %d not found", len(checks),
			count[claimstatus.OutcomePending]+count[claimstatus.OutcomeReceived], count[claimstatus.OutcomePaid],
			count[claimstatus.OutcomeDenied], count[claimstatus.OutcomeNotFound])
	default:
		return fail(rcm.Errorf(rcm.EINVALID, "The file is not a 999, 277CA, 277, 835 or 271."))
	}
	f.Applied = true
	return f
}

// kindOf names the transaction a response file carries, from its first
// ST01 (and the 277CA's guide), without validating it.
func kindOf(data []byte) string {
	kind := ""
	x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		if kind == "" {
			kind = tx.ID
			if tx.ID == "277" {
				kind = "277CA"
				if tx.Version == claimstatus.Version {
					kind = "277"
				}
			}
		}
		return nil
	})
	return kind
}
