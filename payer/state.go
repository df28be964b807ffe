package payer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm"
)

// State is what the sandbox remembers between runs: accumulators, the
// claims it paid (for duplicates, frequency limits and reversals), the
// claims waiting for the next payment cycle and its counters. It is a
// small JSON file next to the configuration, so `rcm payer serve` carries
// deductibles across restarts, and a run from the same state with the same
// seed writes the same bytes.
type State struct {
	// Seed started the counters; a state keeps its seed so later runs
	// continue the same sequences.
	Seed uint64 `json:"seed"`
	// Control is the last interchange, group or transaction control
	// number used.
	Control int64 `json:"control"`
	// Trace is the last 835 TRN02 check or EFT trace number used.
	Trace int64 `json:"trace"`
	// ClaimNumber is the last payer claim control number used.
	ClaimNumber int64 `json:"claim_number"`
	// Accumulators by payer, member and plan-year start.
	Accumulators map[string]*Accumulator `json:"accumulators"`
	// Claims are the adjudicated claims by payer claim control number.
	Claims map[string]*ClaimRecord `json:"claims"`
	// Pending are accepted claims waiting for the next payment cycle.
	Pending []*Claim `json:"pending,omitempty"`
	// Balances are what each payee owes the payer (by payer/NPI) after
	// reversals took a payment below zero; later 835s recover them.
	Balances map[string]rcm.Money `json:"balances,omitempty"`
	// Files are the input files already answered, by name, so a file met
	// again after a crash is acknowledged and not answered twice.
	Files map[string]bool `json:"files"`
}

// Accumulator is a member's cost sharing so far in one plan year.
type Accumulator struct {
	Deductible rcm.Money `json:"deductible"`
	OOP        rcm.Money `json:"oop"`
}

// ClaimRecord is an adjudicated claim as the state keeps it: the payment
// as sent (to reverse it exactly) and what it added to the accumulators.
type ClaimRecord struct {
	Payer    string        `json:"payer"`
	Member   string        `json:"member"`
	Payment  *ClaimPayment `json:"payment"`
	Services []Service     `json:"services,omitempty"`
	// Added is what the claim added to each accumulator it touched.
	Added []Contribution `json:"added,omitempty"`
	// Reversed is set once a replacement or void reversed the claim.
	Reversed bool `json:"reversed,omitempty"`
	// Trace and PaidOn are the 835's check or EFT trace number and date
	// that carried the adjudication, for claim status answers.
	Trace  string   `json:"trace,omitempty"`
	PaidOn rcm.Date `json:"paid_on,omitzero"`
	// Claim is the claim as adjudicated, so an overturned appeal can
	// adjudicate it again.
	Claim *Claim `json:"claim,omitempty"`
}

// Contribution is what one claim added to one accumulator, so a reversal
// can take it back.
type Contribution struct {
	Key        string    `json:"key"`
	Deductible rcm.Money `json:"deductible"`
	OOP        rcm.Money `json:"oop"`
}

// Service is one paid service line, for the duplicate and frequency rules.
type Service struct {
	Date      rcm.Date `json:"date"`
	Code      string   `json:"code"`
	Modifiers string   `json:"modifiers,omitempty"`
	MilliUnit int64    `json:"milli_units"`
}

// NewState returns an empty state whose counters start from seed, so two
// sandboxes with different seeds hand out different trace and claim
// numbers while each stays repeatable.
func NewState(seed uint64) *State {
	r := rcm.NewRand(seed)
	return &State{
		Seed:         seed,
		Control:      int64(r.IntN(1000)) * 1000,
		Trace:        int64(r.IntN(9000)+1000) * 100000,
		ClaimNumber:  int64(r.IntN(900)+100) * 10000,
		Accumulators: map[string]*Accumulator{},
		Claims:       map[string]*ClaimRecord{},
		Files:        map[string]bool{},
		Balances:     map[string]rcm.Money{},
	}
}

// LoadState reads a state file; a missing file is a fresh state from seed.
func LoadState(path string, seed uint64) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewState(seed), nil
	}
	if err != nil {
		return nil, fmt.Errorf("load payer state: %w", err)
	}
	s := NewState(seed)
	if err := json.Unmarshal(b, s); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "The payer state file %s is not valid: %s.", path, strings.TrimSuffix(err.Error(), "."))
	}
	if s.Accumulators == nil {
		s.Accumulators = map[string]*Accumulator{}
	}
	if s.Claims == nil {
		s.Claims = map[string]*ClaimRecord{}
	}
	if s.Files == nil {
		s.Files = map[string]bool{}
	}
	if s.Balances == nil {
		s.Balances = map[string]rcm.Money{}
	}
	return s, nil
}

// Save writes the state atomically (a temporary file renamed over the old
// one), so a crash leaves the old state or the new, never half of one.
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("save payer state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".payer-state-*")
	if err != nil {
		return fmt.Errorf("save payer state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save payer state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save payer state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save payer state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save payer state: %w", err)
	}
	return nil
}

// Next implements x12.Sequence for the control numbers of every file
// the sandbox writes.
func (s *State) Next() (int64, error) {
	s.Control++
	if s.Control > 999999999 {
		s.Control = 1
	}
	return s.Control, nil
}

func (s *State) nextTrace() string {
	s.Trace++
	return fmt.Sprintf("%010d", s.Trace)
}

func (s *State) nextClaimNumber(p *Payer, received rcm.Date) string {
	s.ClaimNumber++
	return fmt.Sprintf("%s%s%07d", p.ID, received.D8()[2:], s.ClaimNumber)
}
