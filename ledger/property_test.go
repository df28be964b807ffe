package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
)

// The property test drives the journal with long random sequences of
// operations, a fair share of them invalid on purpose, and checks after
// every one that the journal accepted exactly what an independent, much
// simpler model accepts, and holds the same balances.

// modelLine is the model's view of a line: plain numbers, no accounts.
type modelLine struct {
	charge    int64
	ins       map[int64]int64
	pat       int64
	payerPaid map[int64]int64
	patPaid   int64
	adj       map[string]int64
	share     map[string]int64
	debits    int64 // every operation moves its amount once each way
}

// modelOp is one operation as the model sees it.
type modelOp struct {
	kind   ledger.Op
	line   int64
	payer  int64 // from-payer for a transfer; 0 = patient for charge and write-off
	to     int64
	group  string
	reason string
	amount int64
}

type modelTxn struct {
	ops      []modelOp
	reverses int
	reversed bool
}

type model struct {
	lines map[int64]*modelLine
	txns  []*modelTxn
	keys  map[string]bool
}

func (m *model) line(id int64) *modelLine {
	l := m.lines[id]
	if l == nil {
		l = &modelLine{ins: map[int64]int64{}, payerPaid: map[int64]int64{}, adj: map[string]int64{}, share: map[string]int64{}}
		m.lines[id] = l
	}
	return l
}

func cloneLine(l *modelLine) *modelLine {
	c := *l
	c.ins, c.payerPaid, c.adj, c.share = map[int64]int64{}, map[int64]int64{}, map[string]int64{}, map[string]int64{}
	for k, v := range l.ins {
		c.ins[k] = v
	}
	for k, v := range l.payerPaid {
		c.payerPaid[k] = v
	}
	for k, v := range l.adj {
		c.adj[k] = v
	}
	for k, v := range l.share {
		c.share[k] = v
	}
	return &c
}

// apply applies op with sign +1 (post) or -1 (reverse) to l and reports
// whether the op itself is well-formed. Balances are checked afterwards.
func (op modelOp) apply(l *modelLine, sign int64, reversal bool) bool {
	a := op.amount
	if !reversal {
		if a == 0 || a > int64(ledger.MaxAmount) || a < -int64(ledger.MaxAmount) {
			return false
		}
		if a < 0 && op.kind != ledger.OpAdjustment {
			return false
		}
		if op.kind == ledger.OpCharge {
			if l.charge != 0 {
				return false
			}
		} else if l.charge == 0 {
			return false
		}
	}
	a *= sign
	abs := op.amount
	if abs < 0 {
		abs = -abs
	}
	l.debits += abs
	take := func(payer int64, v int64) {
		if payer == 0 {
			l.pat -= v
		} else {
			l.ins[payer] -= v
		}
	}
	switch op.kind {
	case ledger.OpCharge:
		l.charge += a
		take(op.payer, -a)
	case ledger.OpPayerPayment:
		if op.payer == 0 {
			return false
		}
		l.payerPaid[op.payer] += a
		take(op.payer, a)
	case ledger.OpAdjustment:
		if op.payer == 0 || op.reason == "" || (op.group != "CO" && op.group != "OA" && op.group != "PI" && op.group != "CR") {
			return false
		}
		l.adj[op.group] += a
		take(op.payer, a)
	case ledger.OpPatientShare:
		if op.payer == 0 || op.reason == "" {
			return false
		}
		l.share[op.reason] += a
		l.pat += a
		take(op.payer, a)
	case ledger.OpPayerTransfer:
		if op.payer == 0 || op.to == 0 || op.payer == op.to {
			return false
		}
		take(op.payer, a)
		l.ins[op.to] += a
	case ledger.OpPatientPayment:
		l.patPaid += a
		l.pat -= a
	case ledger.OpWriteOff:
		l.adj["WO"] += a
		take(op.payer, a)
	}
	return true
}

func (l *modelLine) ok() bool {
	if l.charge < 0 || l.pat < 0 || l.patPaid < 0 {
		return false
	}
	for _, v := range l.ins {
		if v < 0 {
			return false
		}
	}
	for _, v := range l.payerPaid {
		if v < 0 {
			return false
		}
	}
	return true
}

// post applies a transaction of ops (or the reversal of txn rev) to the
// model and reports whether the model accepts it.
func (m *model) post(ops []modelOp, rev int, key string) bool {
	if key != "" && m.keys[key] {
		return false
	}
	sign, reversal := int64(1), false
	if rev != 0 {
		if rev < 1 || rev > len(m.txns) || m.txns[rev-1].reversed || m.txns[rev-1].reverses != 0 {
			return false
		}
		ops, sign, reversal = m.txns[rev-1].ops, -1, true
	}
	if len(ops) == 0 {
		return false
	}
	work := map[int64]*modelLine{}
	for _, op := range ops {
		if op.line <= 0 {
			return false
		}
		if work[op.line] == nil {
			work[op.line] = cloneLine(m.line(op.line))
		}
		if !op.apply(work[op.line], sign, reversal) {
			return false
		}
	}
	for _, l := range work {
		if !l.ok() {
			return false
		}
	}
	for id, l := range work {
		m.lines[id] = l
	}
	m.txns = append(m.txns, &modelTxn{ops: ops, reverses: rev})
	if rev != 0 {
		m.txns[rev-1].reversed = true
	}
	if key != "" {
		m.keys[key] = true
	}
	return true
}

// toTransaction builds the journal transaction for the model's ops.
func toTransaction(ops []modelOp) *ledger.Transaction {
	t := new(ledger.Transaction)
	for _, op := range ops {
		a := rcm.Money(op.amount)
		switch op.kind {
		case ledger.OpCharge:
			t.Charge(op.line, op.payer, a)
		case ledger.OpPayerPayment:
			t.PayerPayment(op.line, op.payer, a, "ACH")
		case ledger.OpAdjustment:
			t.Adjust(op.line, op.payer, op.group, op.reason, a)
		case ledger.OpPatientShare:
			t.PatientShare(op.line, op.payer, op.reason, a)
		case ledger.OpPayerTransfer:
			t.PayerTransfer(op.line, op.payer, op.to, a)
		case ledger.OpPatientPayment:
			t.PatientPayment(op.line, a, "cash")
		case ledger.OpWriteOff:
			t.WriteOff(op.line, op.payer, op.reason, a)
		}
	}
	return t
}

// genOp makes a random operation: mostly plausible amounts near the line's
// open balances, sometimes zero, negative, oversized, on a stray line or
// with a bad group or missing reason.
func genOp(r *rand.Rand, m *model, nLines, nPayers int) modelOp {
	line := int64(1 + r.IntN(nLines))
	if r.IntN(100) == 0 {
		line = 0
	}
	l := m.line(line)
	payer := int64(1 + r.IntN(nPayers))
	if len(l.ins) > 0 && r.IntN(4) > 0 {
		for p, v := range l.ins {
			if v > 0 {
				payer = p
				break
			}
		}
	}
	open := l.ins[payer]
	amount := func(max int64) int64 {
		switch r.IntN(40) {
		case 0:
			return 0
		case 1:
			return -int64(1 + r.IntN(1000))
		case 2:
			return max + 1 + int64(r.IntN(100))
		case 3:
			return int64(ledger.MaxAmount) + 1
		}
		if max <= 0 {
			return int64(1 + r.IntN(500))
		}
		return 1 + r.Int64N(max)
	}
	reasons := []string{"1", "2", "3", "45", "97", "253", ""}
	groups := []string{"CO", "CO", "OA", "PI", "CR", "PR", "WO"}
	op := modelOp{line: line, payer: payer}
	kind := r.IntN(9)
	if l.charge == 0 && r.IntN(3) > 0 {
		kind = 0
	}
	switch kind {
	case 0:
		op.kind, op.amount = ledger.OpCharge, int64(1+r.IntN(50000))
		if r.IntN(10) == 0 {
			op.payer = 0
		}
		if r.IntN(30) == 0 {
			op.amount = -op.amount
		}
	case 1, 2:
		op.kind, op.amount = ledger.OpPayerPayment, amount(open)
	case 3:
		op.kind, op.amount = ledger.OpAdjustment, amount(open)
		op.group, op.reason = groups[r.IntN(len(groups))], reasons[r.IntN(len(reasons)-1)]
		if r.IntN(30) == 0 {
			op.reason = ""
		}
	case 4:
		op.kind, op.amount, op.reason = ledger.OpPatientShare, amount(open), reasons[r.IntN(3)]
		if r.IntN(30) == 0 {
			op.reason = ""
		}
	case 5:
		op.kind, op.amount, op.to = ledger.OpPayerTransfer, amount(open), int64(1+r.IntN(nPayers))
	case 6, 7:
		op.kind, op.amount = ledger.OpPatientPayment, amount(l.pat)
	case 8:
		op.kind, op.reason = ledger.OpWriteOff, "small balance"
		if r.IntN(2) == 0 {
			op.payer = 0
			op.amount = amount(l.pat)
		} else {
			op.amount = amount(open)
		}
	}
	return op
}

func TestJournalMatchesModel(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 42, 2026} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			runModel(t, seed, 5000, 40, 4)
		})
	}
}

func runModel(t *testing.T, seed uint64, steps, nLines, nPayers int) {
	r := rcm.NewRand(seed)
	j := ledger.NewJournal()
	m := &model{lines: map[int64]*modelLine{}, keys: map[string]bool{}}
	accepted, refused := 0, 0
	for step := 0; step < steps; step++ {
		var tx *ledger.Transaction
		var wantOK bool
		key := ""
		if r.IntN(5) == 0 {
			key = fmt.Sprintf("835:P%d:TRN%d:1", r.IntN(3), r.IntN(steps/4+1))
		}
		if len(m.txns) > 0 && r.IntN(8) == 0 {
			rev := 1 + r.IntN(len(m.txns))
			if r.IntN(50) == 0 {
				rev = len(m.txns) + 1 + r.IntN(3) // unknown
			}
			if rev <= len(m.txns) {
				orig, err := j.Transaction(int64(rev))
				if err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				tx = ledger.Reverse(orig, "")
			} else {
				tx = &ledger.Transaction{Reverses: int64(rev), Entries: toTransaction([]modelOp{{kind: ledger.OpPatientPayment, line: 1, amount: 1}}).Entries}
			}
			key = ""
			wantOK = m.post(nil, rev, "")
		} else {
			var ops []modelOp
			n := 1
			if r.IntN(3) == 0 {
				n = 2 + r.IntN(3)
			}
			for ; n > 0; n-- {
				ops = append(ops, genOp(r, m, nLines, nPayers))
			}
			tx = toTransaction(ops)
			tx.Key = key
			wantOK = m.post(ops, 0, key)
		}
		err := j.Post(tx)
		if (err == nil) != wantOK {
			t.Fatalf("step %d: journal error %v, model accepts %v; transaction %+v", step, err, wantOK, tx)
		}
		if err == nil {
			accepted++
		} else {
			refused++
			if c := rcm.ErrorCode(err); c == rcm.EINTERNAL {
				t.Fatalf("step %d: internal error %v", step, err)
			}
		}
		for _, line := range tx.Lines() {
			if err := j.Line(line).Verify(); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			compareLine(t, step, m.line(line), j.Line(line))
		}
	}
	tot, err := j.Verify()
	if err != nil {
		t.Fatal(err)
	}
	var charges int64
	for id, l := range m.lines {
		compareLine(t, steps, l, j.Line(id))
		charges += l.charge
	}
	if int64(tot.Charges) != charges || tot.Debits != tot.Credits {
		t.Errorf("totals: charges %s debits %s credits %s, model charges %d", tot.Charges, tot.Debits, tot.Credits, charges)
	}
	if accepted < steps/4 || refused < steps/10 {
		t.Errorf("accepted %d, refused %d of %d: the generator no longer exercises both paths", accepted, refused, steps)
	}
	t.Logf("seed %d: %d accepted, %d refused", seed, accepted, refused)
}

func compareLine(t *testing.T, step int, want *modelLine, got *ledger.LineBalance) {
	t.Helper()
	bad := int64(got.Charge) != want.charge || int64(got.Patient) != want.pat || int64(got.PatientPaid) != want.patPaid ||
		int64(got.Debits) != want.debits || int64(got.Credits) != want.debits
	for p, v := range want.ins {
		bad = bad || int64(got.Insurance[p]) != v
	}
	for p, v := range want.payerPaid {
		bad = bad || int64(got.PayerPaid[p]) != v
	}
	for g, v := range want.adj {
		bad = bad || int64(got.Adjusted[g]) != v
	}
	for k, v := range want.share {
		bad = bad || int64(got.PatientShare[k]) != v
	}
	n := func(mm map[int64]int64) (c int) {
		for _, v := range mm {
			if v != 0 {
				c++
			}
		}
		return c
	}
	bad = bad || n(want.ins) != len(got.Insurance) || n(want.payerPaid) != len(got.PayerPaid)
	if bad {
		t.Fatalf("step %d line %d: journal %+v, model %+v", step, got.Line, got, want)
	}
}
