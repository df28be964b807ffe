// Package payer is OpenRCM's payer sandbox: a payer engine that reads 837P
// claim files and answers them as a payer does, with a 999 implementation
// acknowledgment, a 277CA claim acknowledgment (005010X214) and, at the
// payment cycle, an 835 remittance (005010X221A1); and that answers 270
// eligibility inquiries with 271s (005010X279A1).
//
// The engine knows nothing of OpenRCM's billing side: X12 files go in and
// out, and everything it decides comes from a JSON configuration
// (contracts, benefits, denial rules, members) and a small JSON state
// (accumulators, paid claims, counters). Time comes from an injected clock
// and every number it hands out from the seeded state, so the same input,
// configuration, seed and starting state give the same files byte for
// byte.
package payer

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// ErrNotInput is wrapped when a file holds neither 837P claims nor 270
// inquiries (for example a 999 or a file that is not X12): the sandbox
// answers nothing, since acknowledging an acknowledgment would loop.
var ErrNotInput = errors.New("not an 837P claim file, a 270 eligibility inquiry or a 276 claim status request")

// File is one file the sandbox writes.
type File struct {
	Name string
	Data []byte
}

// Engine adjudicates with one configuration and state. It is not safe for
// concurrent use; the serve loop runs one file at a time.
type Engine struct {
	Config *Config
	State  *State
	Clock  rcm.Clock
	// Newline puts each written segment on its own line.
	Newline bool
	// Verdicts and Payments collect what the engine decided, in order,
	// for reports and tests.
	Verdicts []Verdict
	Payments []*ClaimPayment
}

// NewEngine returns an engine over a configuration and state.
func NewEngine(cfg *Config, st *State, clock rcm.Clock) *Engine {
	return &Engine{Config: cfg, State: st, Clock: clock, Newline: true}
}

// Process answers one input file. For an 837P it writes the 999 and a
// 277CA and queues the accepted claims for the next Cycle; for a 270 it
// writes the 271s (and a 999 when a transaction set is rejected). A file
// with neither is an error wrapping ErrNotInput and changes nothing.
func (e *Engine) Process(name string, data []byte) ([]File, error) {
	res := x12.Validate(bytes.NewReader(data))
	kinds := map[string]bool{}
	onlyOurs := true
	for _, x := range res.Interchanges {
		for _, g := range x.Groups {
			if g.FunctionalID != "HC" && g.FunctionalID != "HS" && g.FunctionalID != "HR" {
				onlyOurs = false
			}
			for _, t := range g.Transactions {
				kinds[t.ID] = true
			}
		}
	}
	if len(res.Interchanges) == 0 || !onlyOurs && !kinds["837"] && !kinds["270"] && !kinds["276"] {
		return nil, fmt.Errorf("%s: %w", name, ErrNotInput)
	}
	now := e.Clock.Now()
	accepted := map[string]bool{}
	allAccepted := res.Err == nil
	for _, x := range res.Interchanges {
		for _, g := range x.Groups {
			for _, t := range g.Transactions {
				if t.Accepted() && len(g.Codes) == 0 && x.Note == "" {
					accepted[txKey(x.Control, g.Control, t.Control)] = true
				} else {
					allAccepted = false
				}
			}
		}
	}
	var out []File
	if kinds["837"] || !kinds["270"] && !kinds["276"] || !allAccepted {
		var ack bytes.Buffer
		wrote, err := x12.Acknowledge(&ack, res, x12.AckOptions{Now: now, Seq: e.State, Newline: e.Newline})
		if err != nil {
			return nil, fmt.Errorf("acknowledge %s: %w", name, err)
		}
		if wrote {
			out = append(out, File{Name: name + ".999", Data: ack.Bytes()})
		}
	}
	if kinds["837"] {
		f, err := e.intake(name, data, accepted, now)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	if kinds["270"] {
		f, err := e.eligibility(name, data, accepted, now)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	if kinds["276"] {
		f, err := e.claimStatus(name, data, accepted, now)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	e.State.Files[name] = true
	return out, nil
}

// intake runs the front end over the accepted claims, writes the 277CA
// and queues the accepted claims with their payer claim control numbers.
func (e *Engine) intake(name string, data []byte, accepted map[string]bool, now time.Time) ([]File, error) {
	claims := readClaims(name, data, accepted)
	if len(claims) == 0 {
		return nil, nil
	}
	today := rcm.DateOf(now)
	var vs []Verdict
	for _, c := range claims {
		v := front(e.Config, e.State, c, today)
		if v.Accepted {
			c.Received = today
			c.PayerClaim = e.State.nextClaimNumber(e.Config.PayerByID(c.PayerID), today)
			e.State.Pending = append(e.State.Pending, c)
		}
		vs = append(vs, v)
	}
	e.Verdicts = append(e.Verdicts, vs...)
	var buf bytes.Buffer
	for _, k := range orderedKeys(vs, func(v Verdict) string { return v.Claim.Sender + "\x00" + v.Claim.Receiver }) {
		group := filter(vs, func(v Verdict) bool { return v.Claim.Sender+"\x00"+v.Claim.Receiver == k })
		if err := write277CA(&buf, e.Config, e.State, e.Newline, now, group); err != nil {
			return nil, fmt.Errorf("write 277CA for %s: %w", name, err)
		}
	}
	return []File{{Name: name + ".277ca", Data: buf.Bytes()}}, nil
}

// Cycle adjudicates the queued claims in the order they arrived and writes
// one 835 per payer and receiver, with a transaction set per payee. A
// replacement (CLM05-3 7) first reverses the claim named in its REF*F8 and
// is then adjudicated anew; a void (8) only reverses.
func (e *Engine) Cycle() ([]File, error) {
	now := e.Clock.Now()
	pending := e.State.Pending
	if len(pending) == 0 {
		return nil, nil
	}
	var pays []*ClaimPayment
	for _, c := range pending {
		p := e.Config.PayerByID(c.PayerID)
		if p == nil {
			continue // the front end let no such claim in; a changed config may have dropped the payer
		}
		if c.Frequency == "7" || c.Frequency == "8" {
			if r := e.State.Claims[c.OriginalRef]; r != nil && !r.Reversed {
				rev := reverse(e.State, r, c.PayerClaim)
				rev.Voided = c.Frequency == "8"
				pays = append(pays, rev)
			}
			if c.Frequency == "8" {
				continue
			}
		}
		pays = append(pays, adjudicate(e.Config, e.State, p, c))
	}
	e.State.Pending = nil
	e.Payments = append(e.Payments, pays...)
	date := rcm.DateOf(now)
	type fileKey struct{ payer, receiver string }
	var keys []fileKey
	byFile := map[fileKey][]*ClaimPayment{}
	for _, cp := range pays {
		k := fileKey{cp.Payer, cp.Receiver}
		if _, ok := byFile[k]; !ok {
			keys = append(keys, k)
		}
		byFile[k] = append(byFile[k], cp)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].payer != keys[j].payer {
			return keys[i].payer < keys[j].payer
		}
		return keys[i].receiver < keys[j].receiver
	})
	var out []File
	for _, k := range keys {
		p := e.Config.PayerByID(k.payer)
		var rems []*Remittance
		for _, npi := range orderedKeys(byFile[k], func(c *ClaimPayment) string { return c.PayeeNPI }) {
			claims := filter(byFile[k], func(c *ClaimPayment) bool { return c.PayeeNPI == npi })
			rem := newRemittance(e.State, p, npi, e.State.nextTrace(), date, claims)
			for _, cp := range rem.Claims {
				// The claim's record keeps the check, for status answers.
				if r := e.State.Claims[cp.PayerClaim]; r != nil && r.Payment == cp {
					r.Trace, r.PaidOn = rem.Trace, date
				}
			}
			rems = append(rems, rem)
		}
		var buf bytes.Buffer
		if err := write835File(&buf, e.State, e.Newline, now, rems); err != nil {
			return nil, fmt.Errorf("write 835 for %s: %w", p.ID, err)
		}
		out = append(out, File{Name: fmt.Sprintf("%s-%s-%s.835", clean(p.ID, 15), date.D8(), rems[0].Trace), Data: buf.Bytes()})
	}
	return out, nil
}
