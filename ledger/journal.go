package ledger

import (
	"maps"
	"slices"

	"github.com/openrcm/openrcm"
)

// Journal is an in-memory journal: the reference implementation of posting
// that tests, simulations and the payer sandbox can use without a database.
// It keeps every accepted transaction and the running balance of each line.
// It is not safe for concurrent use.
type Journal struct {
	txns       []*Transaction // txns[id-1]
	reversedBy map[int64]int64
	keys       map[string]int64
	lines      map[int64]*LineBalance
}

// NewJournal returns an empty journal.
func NewJournal() *Journal {
	return &Journal{reversedBy: map[int64]int64{}, keys: map[string]int64{}, lines: map[int64]*LineBalance{}}
}

// Post validates t with Check and, if it is accepted, appends a copy of it
// and sets t.ID. A refused transaction changes nothing. A key already
// posted, or a second reversal of one transaction, is ECONFLICT.
func (j *Journal) Post(t *Transaction) error {
	if t.Key != "" {
		if id, dup := j.keys[t.Key]; dup {
			return rcm.FieldErrorf(rcm.ECONFLICT, "key", "Already posted as transaction %d (key %s).", id, t.Key)
		}
	}
	var orig *Transaction
	if t.Reverses != 0 {
		if t.Reverses < 0 || t.Reverses > int64(len(j.txns)) {
			return rcm.FieldErrorf(rcm.ENOTFOUND, "reverses", "Transaction %d to reverse not found.", t.Reverses)
		}
		if by, done := j.reversedBy[t.Reverses]; done {
			return rcm.FieldErrorf(rcm.ECONFLICT, "reverses", "Transaction %d was already reversed by transaction %d.", t.Reverses, by)
		}
		orig = j.txns[t.Reverses-1]
	}
	after, err := Check(t, j.lines, orig)
	if err != nil {
		return err
	}
	stored := *t
	stored.ID = int64(len(j.txns) + 1)
	stored.Entries = slices.Clone(t.Entries)
	j.txns = append(j.txns, &stored)
	maps.Copy(j.lines, after)
	if t.Key != "" {
		j.keys[t.Key] = stored.ID
	}
	if t.Reverses != 0 {
		j.reversedBy[t.Reverses] = stored.ID
	}
	t.ID = stored.ID
	return nil
}

// Transaction returns a copy of the accepted transaction with the id.
func (j *Journal) Transaction(id int64) (*Transaction, error) {
	if id <= 0 || id > int64(len(j.txns)) {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "Transaction %d not found.", id)
	}
	t := *j.txns[id-1]
	t.Entries = slices.Clone(t.Entries)
	return &t, nil
}

// Len returns the number of accepted transactions.
func (j *Journal) Len() int { return len(j.txns) }

// Line returns a copy of the line's balance; a line never posted to has a
// zero balance.
func (j *Journal) Line(line int64) *LineBalance {
	if b := j.lines[line]; b != nil {
		return b.Clone()
	}
	return &LineBalance{Line: line}
}

// Lines returns the lines posted to, in increasing order.
func (j *Journal) Lines() []int64 { return sortedKeys(j.lines) }

// Verify replays every entry from the start into fresh balances, checks
// that they equal the running ones and that every line holds its
// invariant, and returns the totals.
func (j *Journal) Verify() (Totals, error) {
	replay := map[int64]*LineBalance{}
	for _, t := range j.txns {
		for _, e := range t.Entries {
			b := replay[e.Account.Line]
			if b == nil {
				b = &LineBalance{Line: e.Account.Line}
				replay[e.Account.Line] = b
			}
			b.Apply(e)
		}
	}
	var tot Totals
	for _, line := range sortedKeys(replay) {
		b := replay[line]
		if err := b.Verify(); err != nil {
			return tot, err
		}
		if !Equal(b, j.lines[line]) {
			return tot, lineErrorf(line, "running balance differs from the replayed journal")
		}
		tot.Add(b)
	}
	if len(replay) != len(j.lines) {
		return tot, rcm.Errorf(rcm.EINTERNAL, "journal has balances for %d lines but entries for %d", len(j.lines), len(replay))
	}
	return tot, nil
}

// Equal reports whether two balances hold the same money.
func Equal(a, b *LineBalance) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Line == b.Line && a.Charge == b.Charge && a.Patient == b.Patient && a.PatientPaid == b.PatientPaid &&
		a.Debits == b.Debits && a.Credits == b.Credits &&
		mapsEqual(a.Insurance, b.Insurance) && mapsEqual(a.PayerPaid, b.PayerPaid) &&
		mapsEqual(a.Adjusted, b.Adjusted) && mapsEqual(a.PatientShare, b.PatientShare)
}

func mapsEqual[K comparable](a, b map[K]rcm.Money) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
