package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
)

var _ remit.Store = (*DB)(nil)

// errAlreadyPosted ends a posting whose 835 key is taken.
var errAlreadyPosted = errors.New("835 already posted")

// FindRemittancePayer returns the stored payer an 835 comes from: the
// first of rem.PayerKeys that is a payer's ID at the clearinghouse, else a
// payer with the 835's payer name.
func (tx *Tx) findRemittancePayer(ctx context.Context, org int64, rem *remit.Remittance) (*rcm.Payer, error) {
	keys := rem.PayerKeys()
	args := []any{org}
	for _, k := range keys {
		args = append(args, k)
	}
	if len(keys) == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "The 835 names no payer (1000A N1*PR, REF*2U or TRN03); nothing was posted.")
	}
	payers, err := queryAll(ctx, tx, scanPayer, `SELECT `+payerCols+` FROM payer WHERE org_id = ? AND payer_id IN (`+inList(len(keys))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		for _, p := range payers {
			if p.PayerID == k {
				return p, nil
			}
		}
	}
	if rem.PayerName != "" {
		byName, err := queryAll(ctx, tx, scanPayer, `SELECT `+payerCols+` FROM payer WHERE org_id = ? AND UPPER(name) = UPPER(?) ORDER BY id`, org, rem.PayerName)
		if err != nil {
			return nil, err
		}
		if len(byName) == 1 {
			return byName[0], nil
		}
	}
	return nil, rcm.Errorf(rcm.ENOTFOUND, "The 835's payer (%s) is not set up: no payer has payer ID %s. Add the payer with one of these IDs and post again; nothing was posted.",
		rem.PayerName, strings.Join(keys, ", "))
}

// poster counts the writes of one posting for the test hook.
type poster struct {
	tx   *Tx
	org  int64
	n    int
	hook remit.WriteHook
}

func (p *poster) wrote() error {
	p.n++
	if p.hook != nil {
		return p.hook(p.n)
	}
	return nil
}

func (p *poster) exec(ctx context.Context, query string, args ...any) error {
	if _, err := p.tx.ExecContext(ctx, query, args...); err != nil {
		return mapError(err)
	}
	return p.wrote()
}

// PostRemittance posts an 835 in one transaction (see remit.Store). The
// remittance row goes in first: its unique (organization, payer, trace)
// key is the lock that makes a concurrent second posting of the same 835
// wait for the first and then find it posted.
func (db *DB) PostRemittance(ctx context.Context, rem *remit.Remittance, newPlanner func(*remit.Remittance) remit.Planner) (*remit.Result, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	if rem.Trace == "" || len(rem.Trace) > 80 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "trace", "The 835's trace number (TRN02) must be 1 to 80 characters.")
	}
	var res *remit.Result
	var payer *rcm.Payer
	err = db.Transact(ctx, func(tx *Tx) error {
		res = &remit.Result{}
		p := &poster{tx: tx, org: a.OrgID, hook: remit.WriteHookFrom(ctx)}
		var err error
		if payer, err = tx.findRemittancePayer(ctx, a.OrgID, rem); err != nil {
			return err
		}
		res.Payer = payer.Name
		if done, err := tx.findRemittanceKey(ctx, a.OrgID, payer.ID, rem.Trace); err != nil {
			return err
		} else if done != nil {
			res = done
			return nil
		}
		fingerprint := rem.Fingerprint()
		if err := tx.refuseSameContent(ctx, a.OrgID, payer.ID, rem.Trace, fingerprint); err != nil {
			return err
		}
		// The payer's money is dated by its payment date (BPR16, or the
		// paper check's date): none posts into a closed period.
		dated := tx.Now()
		if !rem.PaidOn.IsZero() {
			dated = rem.PaidOn.Time()
		}
		if err := tx.refuseClosed(ctx, a.OrgID, dated); err != nil {
			return err
		}
		now := tx.Now()
		remID, err := tx.insert(ctx, `INSERT INTO remittance (org_id, payer_id, trace, trace_originator, control, handling, method, amount, paid_on,
			payer_name, claims, exceptions, posted_at, user_id, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
			a.OrgID, payer.ID, rem.Trace, rem.TraceOriginator, rem.Control, rem.Handling, rem.Method, int64(rem.Amount), formatDate(rem.PaidOn),
			rem.PayerName, rem.ClaimCount(), formatTime(now), a.UserID, fingerprint)
		if rcm.ErrorCode(err) == rcm.ECONFLICT {
			return errAlreadyPosted
		} else if err != nil {
			return err
		}
		if err := p.wrote(); err != nil {
			return err
		}
		res.RemittanceID, res.PostedAt = remID, now
		res.Payer = payer.Name
		b := &batchPoster{poster: p, actor: a, remID: remID, now: now, created: map[int64]bool{}}
		plan := newPlanner(rem)
		last := func(first int, claims []*remit.ClaimPayment) error {
			posting, err := b.batch(ctx, payer, rem, first, claims, plan)
			if err != nil {
				return err
			}
			res.Summarize(posting)
			return nil
		}
		if rem.ClaimCount() == 0 {
			// An 835 without claims (only PLBs) is one empty batch,
			// which carries the deposit journal.
			err = last(0, nil)
		} else {
			err = rem.ClaimBatches(remit.BatchSizeFrom(ctx), last)
		}
		if err != nil {
			return err
		}
		res.Payer = payer.Name
		res.SecondaryClaims = b.secondaries
		return b.finish(ctx, rem, payer.ID)
	})
	if errors.Is(err, errAlreadyPosted) {
		// Another posting took the key between our check and our insert;
		// it has committed, so its row can be read now.
		err = db.Transact(ctx, func(tx *Tx) error {
			var err error
			res, err = tx.findRemittanceKey(ctx, a.OrgID, payer.ID, rem.Trace)
			if err == nil && res == nil {
				err = tx.refuseSameContent(ctx, a.OrgID, payer.ID, rem.Trace, rem.Fingerprint())
			}
			if err == nil && res == nil {
				err = rcm.Errorf(rcm.ECONFLICT, "835 %s is being posted by someone else; try again.", rem.Trace)
			}
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	if res.AlreadyPosted {
		res.Payer = payer.Name
	}
	return res, nil
}

func (tx *Tx) findRemittanceKey(ctx context.Context, org, payer int64, trace string) (*remit.Result, error) {
	res := &remit.Result{AlreadyPosted: true, Trace: trace}
	var at string
	var amount int64
	err := tx.QueryRowContext(ctx, `SELECT id, posted_at, amount, claims FROM remittance WHERE org_id = ? AND payer_id = ? AND trace = ?`,
		org, payer, trace).Scan(&res.RemittanceID, &at, &amount, &res.Claims)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	res.Amount = rcm.Money(amount)
	res.PostedAt, err = parseTime(at)
	return res, err
}

// refuseSameContent refuses, with a *remit.SameContentError, an 835 whose
// content (remit's Fingerprint) was posted before under another trace.
func (tx *Tx) refuseSameContent(ctx context.Context, org, payer int64, trace, fingerprint string) error {
	var earlier, at string
	var amount int64
	err := tx.QueryRowContext(ctx, `SELECT trace, posted_at, amount FROM remittance WHERE org_id = ? AND payer_id = ? AND fingerprint = ?`,
		org, payer, fingerprint).Scan(&earlier, &at, &amount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	if earlier == trace {
		// The same 835, committed by another posting after this one looked
		// its key up (PostgreSQL reads each statement afresh): report it as
		// already posted, as the key check would have.
		return errAlreadyPosted
	}
	postedAt, err := parseTime(at)
	if err != nil {
		return err
	}
	return &remit.SameContentError{Trace: trace, Earlier: earlier, PostedAt: postedAt, Amount: rcm.Money(amount)}
}

// remitState reads, in the posting's transaction, the claims an 835
// names (locked on PostgreSQL), their lines' balances, the postings its
// reversals undo and the coverages of the patients.
func (tx *Tx) remitState(ctx context.Context, org int64, payer *rcm.Payer, remID int64, claims []*remit.ClaimPayment, created map[int64]bool) (*remit.State, error) {
	st := &remit.State{Payer: payer, Claims: map[string]*rcm.Claim{}, ByPayerNumber: map[string]*rcm.Claim{},
		Posted: map[int64]*remit.PriorPosting{}, Coverages: map[int64][]*rcm.Coverage{}}
	var cns []string
	for _, c := range claims {
		cns = append(cns, c.ControlNumber)
	}
	// Claims this posting created (secondary claims of earlier batches)
	// are left out: posted whole, the 835 was matched against the claims
	// as they were before it.
	byID := map[int64]*rcm.Claim{}
	if err := tx.claimsWhere(ctx, org, "control_number", uniqueStrings(cns), func(c *rcm.Claim) {
		if !created[c.ID] {
			st.Claims[c.ControlNumber] = c
			byID[c.ID] = c
		}
	}); err != nil {
		return nil, err
	}
	var pcns []string
	for _, c := range claims {
		if st.Claims[c.ControlNumber] == nil && c.PayerClaimNumber != "" {
			pcns = append(pcns, c.PayerClaimNumber)
		}
	}
	// A replacement claim carries the payer claim number of the claim it
	// replaces (REF*F8); the newest claim with the number is the one in
	// force.
	if err := tx.claimsWhere(ctx, org, "payer_claim_number", uniqueStrings(pcns), func(c *rcm.Claim) {
		if c.State != rcm.ClaimVoided && !created[c.ID] {
			st.ByPayerNumber[c.PayerClaimNumber] = c
			byID[c.ID] = c
		}
	}); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := tx.claimLines(ctx, org, ids, byID); err != nil {
		return nil, err
	}
	var lines []int64
	patients := map[int64]bool{}
	var reversed []int64
	for _, id := range ids {
		c := byID[id]
		patients[c.PatientID] = true
		for _, l := range c.Lines {
			lines = append(lines, l.ServiceLineID)
		}
	}
	for _, cp := range claims {
		if cp.Status != remit.StatusReversal {
			continue
		}
		if c := st.Claims[cp.ControlNumber]; c != nil {
			reversed = append(reversed, c.ID)
		} else if c := st.ByPayerNumber[cp.PayerClaimNumber]; c != nil {
			reversed = append(reversed, c.ID)
		}
	}
	slices.Sort(lines)
	lines = slices.Compact(lines)
	// Lock the lines as PostLedger would, so the balances read here stay
	// true until commit and the ledger can post on them without reading
	// them again.
	if err := tx.lockLines(ctx, org, lines); err != nil {
		return nil, err
	}
	var err error
	if st.Balances, err = tx.lineBalances(ctx, org, lines); err != nil {
		return nil, err
	}
	if err := tx.priorPostings(ctx, org, remID, uniqueInts(reversed), st.Posted); err != nil {
		return nil, err
	}
	if st.Contracts, err = tx.contractRates(ctx, org, byID); err != nil {
		return nil, err
	}
	pids := make([]int64, 0, len(patients))
	for id := range patients {
		pids = append(pids, id)
	}
	slices.Sort(pids)
	for start := 0; start < len(pids); start += inChunk {
		chunk := pids[start:min(start+inChunk, len(pids))]
		covs, err := queryAll(ctx, tx, tx.db.scanCoverage, `SELECT `+coverageCols+` FROM coverage WHERE org_id = ? AND patient_id IN (`+inList(len(chunk))+`) ORDER BY ord`, idArgs(org, chunk)...)
		if err != nil {
			return nil, err
		}
		for _, c := range covs {
			st.Coverages[c.PatientID] = append(st.Coverages[c.PatientID], c)
		}
	}
	return st, nil
}

func uniqueStrings(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func uniqueInts(s []int64) []int64 {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// claimsWhere reads the claims whose column is one of values, in id
// order within each chunk of values, locking them on PostgreSQL (in id
// order, so two postings cannot deadlock). SQLite, which locks nothing
// here, gets no ORDER BY: without table statistics its planner would walk
// the whole claim table in id order for every chunk instead of using the
// column's index, and the claims are sorted here instead.
func (tx *Tx) claimsWhere(ctx context.Context, org int64, column string, values []string, fn func(*rcm.Claim)) error {
	order := " ORDER BY id" + tx.forUpdate()
	if tx.Dialect() == SQLite {
		order = ""
	}
	for start := 0; start < len(values); start += inChunk {
		chunk := values[start:min(start+inChunk, len(values))]
		args := []any{org}
		for _, v := range chunk {
			args = append(args, v)
		}
		cs, err := queryAll(ctx, tx, scanClaim, `SELECT `+claimCols+` FROM claim WHERE org_id = ? AND `+column+` IN (`+inList(len(chunk))+`)`+order, args...)
		if err != nil {
			return err
		}
		slices.SortFunc(cs, func(a, b *rcm.Claim) int { return cmp.Compare(a.ID, b.ID) })
		for _, c := range cs {
			fn(c)
		}
	}
	return nil
}

// claimLines reads the lines of claims in bulk: posting reads thousands of
// claims, one query per few hundred.
func (tx *Tx) claimLines(ctx context.Context, org int64, ids []int64, byID map[int64]*rcm.Claim) error {
	for start := 0; start < len(ids); start += inChunk {
		chunk := ids[start:min(start+inChunk, len(ids))]
		rows, err := tx.QueryContext(ctx, `SELECT claim_id, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service FROM claim_line
			WHERE org_id = ? AND claim_id IN (`+inList(len(chunk))+`) ORDER BY claim_id, seq`, idArgs(org, chunk)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var claimID int64
			var l rcm.ClaimLine
			var mods, ptrs, dos string
			var charge int64
			if err := rows.Scan(&claimID, &l.ServiceLineID, &l.Code, &mods, &l.Units, &charge, &ptrs, &l.NDC, &dos); err != nil {
				rows.Close()
				return err
			}
			l.Charge = rcm.Money(charge)
			// The secondary claim copies these lines whole, pointers and
			// NDC included.
			if l.Pointers, err = splitInts(ptrs); err != nil {
				rows.Close()
				return err
			}
			if mods != "" {
				l.Modifiers = strings.Split(mods, ",")
			}
			if l.DateOfService, err = parseDate(dos); err != nil {
				rows.Close()
				return err
			}
			c := byID[claimID]
			c.Lines = append(c.Lines, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// priorPostings finds, for claims being reversed, the latest posted
// payment of an 835 other than remittance remID (the one being posted)
// whose ledger transaction has not been reversed.
func (tx *Tx) priorPostings(ctx context.Context, org, remID int64, claims []int64, out map[int64]*remit.PriorPosting) error {
	for start := 0; start < len(claims); start += inChunk {
		chunk := claims[start:min(start+inChunk, len(claims))]
		type row struct{ id, claim, paid, txn int64 }
		rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.claim, &r.paid, &r.txn)
		}, `SELECT rc.id, rc.claim_id, rc.paid, rc.ledger_txn_id FROM remit_claim rc
			WHERE rc.org_id = ? AND rc.claim_id IN (`+inList(len(chunk))+`) AND rc.outcome = 'posted' AND rc.ledger_txn_id IS NOT NULL
			AND rc.remittance_id <> ?
			AND NOT EXISTS (SELECT 1 FROM ledger_txn r WHERE r.org_id = rc.org_id AND r.reverses = rc.ledger_txn_id)
			ORDER BY rc.id`, append(idArgs(org, chunk), remID)...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			t, err := tx.ledgerTxn(ctx, org, r.txn)
			if err != nil {
				return err
			}
			out[r.claim] = &remit.PriorPosting{ClaimPaymentID: r.id, Paid: rcm.Money(r.paid), Txn: t}
		}
	}
	return nil
}

// nextIDs reserves n ids of a table, so rows that refer to each other can
// be written with multi-row inserts. SQLite has one writer, whose
// transaction holds the lock; PostgreSQL hands out identity values.
func (tx *Tx) nextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if tx.Dialect() == Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, CAST(? AS INTEGER))`, table, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// insertRows writes rows with multi-row INSERTs (one write for the hook).
func (p *poster) insertRows(ctx context.Context, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if err := p.tx.insertMany(ctx, table, cols, rows); err != nil {
		return err
	}
	return p.wrote()
}

func adjJSON(as []rcm.Adjustment) string {
	if len(as) == 0 {
		return ""
	}
	b, _ := json.Marshal(as)
	return string(b)
}

func nullMoney(m rcm.Money, ok bool) sql.NullInt64 { return sql.NullInt64{Int64: int64(m), Valid: ok} }

// batchPoster writes a posting batch by batch, and what spans the batches:
// the secondary claims made so far, and the sums the deposit journal is
// checked against at the end.
type batchPoster struct {
	*poster
	actor              rcm.Actor
	remID              int64
	now                time.Time
	created            map[int64]bool // secondary claims this posting made
	secondaries        []int64
	exceptions         int
	applied, unapplied rcm.Money
	deposit            []ledger.DepositEntry
	last               bool // the last batch is written, with deposit
}

// batch reads the State of one batch of claims, plans it and writes it.
func (b *batchPoster) batch(ctx context.Context, payer *rcm.Payer, rem *remit.Remittance, first int, claims []*remit.ClaimPayment, plan remit.Planner) (*remit.Posting, error) {
	st, err := b.tx.remitState(ctx, b.org, payer, b.remID, claims, b.created)
	if err != nil {
		return nil, err
	}
	st.Today = rcm.DateOf(b.now)
	// The plan replaces balances in st.Balances but never changes one
	// (ledger.Check returns new ones), so a copy of the map keeps the
	// balances before.
	before := maps.Clone(st.Balances)
	posting, err := plan(st, first, claims)
	if err != nil {
		return nil, err
	}
	if err := b.write(ctx, posting, before); err != nil {
		return nil, err
	}
	applied, unapplied := posting.Sums()
	b.applied += applied
	b.unapplied += unapplied
	if first+len(claims) >= rem.ClaimCount() {
		b.deposit, b.last = posting.Deposit, true
	}
	return posting, nil
}

// write stores one planned batch: ledger, secondary claims, claim
// payments and lines, exceptions, claim states and their audit trail.
func (b *batchPoster) write(ctx context.Context, posting *remit.Posting, before map[int64]*ledger.LineBalance) error {
	p, tx, org, a, now, remID := b.poster, b.tx, b.org, b.actor, b.now, b.remID
	var txnIDs []int64
	if len(posting.Ledger) > 0 {
		lines, err := batchLines(posting.Ledger)
		if err != nil {
			return err
		}
		if txnIDs, err = tx.postLedgerOn(ctx, a, posting.Ledger, lines, before); err != nil {
			return err
		}
		if err := p.wrote(); err != nil {
			return err
		}
	}
	var audits []auditItem
	secondaryID := map[int]int64{}
	for i, pc := range posting.Claims {
		if pc.Secondary == nil {
			continue
		}
		id, created, err := p.insertSecondary(ctx, a, pc.ClaimID, pc.Secondary, now)
		if err != nil {
			return err
		}
		secondaryID[i] = id
		if created {
			b.created[id] = true
			b.secondaries = append(b.secondaries, id)
			audits = append(audits, auditItem{rcm.AuditCreate, "claim", id, pc.Secondary.PatientID})
		}
	}
	claimIDs, err := tx.nextIDs(ctx, "remit_claim", len(posting.Claims))
	if err != nil {
		return err
	}
	var claimRows, lineRows, excRows [][]any
	for i, pc := range posting.Claims {
		cp := pc.Payment
		var txn sql.NullInt64
		if pc.Txn >= 0 {
			txn = sql.NullInt64{Int64: txnIDs[pc.Txn], Valid: true}
		}
		claimRows = append(claimRows, []any{claimIDs[i], org, remID, posting.First + i + 1, nullID(pc.ClaimID), pc.MatchedBy, cp.ControlNumber, cp.Status,
			int64(cp.Charge), int64(cp.Paid), int64(cp.PatientResponsibility), cp.FilingIndicator, cp.PayerClaimNumber,
			adjJSON(cp.Adjustments), strings.Join(cp.Remarks, ","), pc.Outcome, pc.State, txn, nullID(pc.Reverses),
			nullID(secondaryID[i]), int64(pc.Transferred)})
		lines := pc.Lines
		if pc.Outcome == remit.OutcomeException {
			b.exceptions++
			excRows = append(excRows, []any{org, remID, claimIDs[i], pc.Exception, int64(cp.Paid), formatTime(now), ""})
			for _, l := range cp.Lines {
				lines = append(lines, &remit.PostedLine{Payment: l})
			}
		}
		for j, pl := range lines {
			l := pl.Payment
			lineRows = append(lineRows, []any{org, claimIDs[i], j + 1, nullID(pl.ServiceLineID), pl.ClaimLine, pl.Match, l.Code,
				strings.Join(l.Modifiers, ","), l.OriginalCode, strings.Join(l.OriginalModifiers, ","), int64(l.Charge), int64(l.Paid), l.Units,
				nullMoney(l.Allowed, l.HasAllowed), formatDate(l.DateOfService), l.ControlNumber, adjJSON(l.Adjustments),
				strings.Join(l.Remarks, ","), boolInt(pl.Denied), nullMoney(pl.Expected, pl.Contract != nil), int64(pl.Underpaid)})
		}
	}
	if err := p.insertRows(ctx, "remit_claim", `id, org_id, remittance_id, seq, claim_id, matched_by, control_number, status, charge, paid,
		patient_resp, filing_indicator, payer_claim_number, adjustments, remarks, outcome, claim_state, ledger_txn_id, reverses_id,
		secondary_claim_id, transferred`, claimRows); err != nil {
		return err
	}
	if err := p.insertRows(ctx, "remit_line", `org_id, remit_claim_id, seq, service_line_id, claim_line, match, code, modifiers,
		original_code, original_modifiers, charge, paid, units, allowed, date_of_service, line_control, adjustments, remarks, denied,
		expected, underpaid`, lineRows); err != nil {
		return err
	}
	if err := b.openUnderpayments(ctx, posting, claimIDs); err != nil {
		return err
	}
	if err := p.insertRows(ctx, "remit_exception", `org_id, remittance_id, remit_claim_id, reason, amount, created_at, resolved_at`, excRows); err != nil {
		return err
	}
	moved, err := p.moveClaims(ctx, a, posting.Moves, now)
	if err != nil {
		return err
	}
	for _, m := range moved {
		audits = append(audits, auditItem{rcm.AuditUpdate, "claim", m[0], m[1]})
	}
	if len(audits) == 0 {
		return nil
	}
	return p.auditMany(ctx, a, audits, now)
}

// finish writes what belongs to the whole 835 once every batch is
// written: its provider adjustments, its deposit journal (checked against
// what the batches applied and left unapplied), its audit event and its
// count of exceptions.
func (b *batchPoster) finish(ctx context.Context, rem *remit.Remittance, payer int64) error {
	p, org, remID := b.poster, b.org, b.remID
	var plbRows [][]any
	for i, pa := range rem.ProviderAdjustments {
		plbRows = append(plbRows, []any{org, remID, i + 1, pa.Provider, formatDate(pa.FiscalPeriod), pa.Reason, pa.Reference, int64(pa.Amount)})
	}
	if err := p.insertRows(ctx, "remit_plb", `org_id, remittance_id, seq, provider, fiscal_period, reason, reference, amount`, plbRows); err != nil {
		return err
	}
	// The plan's deposit journal must be the one its own posting implies.
	want, err := remit.DepositFor(rem, payer, b.applied, b.unapplied)
	if err != nil {
		return err
	}
	if !b.last || !slices.Equal(want, b.deposit) {
		return rcm.Errorf(rcm.EINTERNAL, "835 %s: the planned deposit journal does not match the posting; nothing was posted.", rem.Trace)
	}
	var depositRows [][]any
	for i, e := range b.deposit {
		depositRows = append(depositRows, []any{org, remID, payer, i + 1, string(e.Account), e.Reason, e.Reference, int(e.Side), int64(e.Amount)})
	}
	if err := p.insertRows(ctx, "deposit_entry", `org_id, remittance_id, payer_id, seq, account, reason, reference, side, amount`, depositRows); err != nil {
		return err
	}
	if err := b.holdUnapplied(ctx, rem); err != nil {
		return err
	}
	if err := p.auditMany(ctx, b.actor, []auditItem{{rcm.AuditCreate, "remittance", remID, 0}}, b.now); err != nil {
		return err
	}
	return p.exec(ctx, `UPDATE remittance SET exceptions = ? WHERE org_id = ? AND id = ?`, b.exceptions, org, remID)
}

// moveClaims applies the posting's claim state changes with one UPDATE per
// target state (a claim changed twice in one 835, reversed then paid
// again, is updated in two rounds) and records each in the claim's
// history. It returns (claim, patient) pairs for the audit.
func (p *poster) moveClaims(ctx context.Context, a rcm.Actor, moves []remit.Move, now time.Time) ([][2]int64, error) {
	if len(moves) == 0 {
		return nil, nil
	}
	tx, org := p.tx, p.org
	var ids []int64
	for _, m := range moves {
		ids = append(ids, m.ClaimID)
	}
	ids = uniqueInts(ids)
	cur := map[int64][2]any{}
	for start := 0; start < len(ids); start += inChunk {
		chunk := ids[start:min(start+inChunk, len(ids))]
		rows, err := tx.QueryContext(ctx, `SELECT id, state, patient_id FROM claim WHERE org_id = ? AND id IN (`+inList(len(chunk))+`)`, idArgs(org, chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, patient int64
			var state string
			if err := rows.Scan(&id, &state, &patient); err != nil {
				rows.Close()
				return nil, err
			}
			cur[id] = [2]any{state, patient}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var events [][]any
	var out [][2]int64
	pending := moves
	for len(pending) > 0 {
		round := map[string][]int64{}
		seen := map[int64]bool{}
		var later []remit.Move
		for _, m := range pending {
			if seen[m.ClaimID] {
				later = append(later, m)
				continue
			}
			seen[m.ClaimID] = true
			from := cur[m.ClaimID][0].(string)
			if from != m.From || !rcm.CanMoveClaim(from, m.To) {
				return nil, rcm.Errorf(rcm.ECONFLICT, "Claim %d is %s; it cannot become %s.", m.ClaimID, from, m.To)
			}
			cur[m.ClaimID] = [2]any{m.To, cur[m.ClaimID][1]}
			round[m.To] = append(round[m.To], m.ClaimID)
			events = append(events, []any{org, m.ClaimID, formatTime(now), a.UserID, m.From, m.To, m.Reason})
			out = append(out, [2]int64{m.ClaimID, cur[m.ClaimID][1].(int64)})
		}
		states := make([]string, 0, len(round))
		for s := range round {
			states = append(states, s)
		}
		slices.Sort(states)
		for _, s := range states {
			cids := round[s]
			for start := 0; start < len(cids); start += inChunk {
				chunk := cids[start:min(start+inChunk, len(cids))]
				args := append([]any{s}, idArgs(org, chunk)...)
				if err := p.exec(ctx, `UPDATE claim SET state = ? WHERE org_id = ? AND id IN (`+inList(len(chunk))+`)`, args...); err != nil {
					return nil, err
				}
			}
		}
		pending = later
	}
	return out, p.insertRows(ctx, "claim_event", `org_id, claim_id, at, user_id, from_state, to_state, reason`, events)
}

type auditItem struct {
	action, entity      string
	entityID, patientID int64
}

// auditMany queues the posting's audit events; they join their chains
// with multi-row inserts when the posting commits (flushAudit).
func (p *poster) auditMany(_ context.Context, a rcm.Actor, items []auditItem, now time.Time) error {
	for _, it := range items {
		p.tx.queueAudit(pendingAudit{e: rcm.AuditEvent{OrgID: a.OrgID, At: now, UserID: a.UserID, Action: it.action, Entity: it.entity,
			EntityID: it.entityID, PatientID: it.patientID, Reason: a.Reason}})
	}
	return nil
}

// insertSecondary stores the claim to the next payer, or finds the one a
// biller (or an earlier posting) already made with its control number.
// Its diagnoses are the primary claim's.
func (p *poster) insertSecondary(ctx context.Context, a rcm.Actor, primaryID int64, c *rcm.Claim, now time.Time) (int64, bool, error) {
	tx, org := p.tx, p.org
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM claim WHERE org_id = ? AND control_number = ?`, org, c.ControlNumber).Scan(&id)
	if err == nil {
		return id, false, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	if err := validateClaim(c); err != nil {
		return 0, false, err
	}
	c.State, c.CreatedAt = rcm.ClaimDraft, now
	id, err = tx.insert(ctx, claimInsert, claimInsertArgs(org, c)...)
	if err != nil {
		return 0, false, err
	}
	c.ID = id
	if err := p.wrote(); err != nil {
		return 0, false, err
	}
	if err := p.exec(ctx, `INSERT INTO claim_diagnosis (org_id, claim_id, seq, code) SELECT org_id, ?, seq, code FROM claim_diagnosis
		WHERE org_id = ? AND claim_id = ?`, id, org, primaryID); err != nil {
		return 0, false, err
	}
	var rows [][]any
	for i, l := range c.Lines {
		rows = append(rows, []any{org, id, i + 1, l.ServiceLineID, l.Code, strings.Join(l.Modifiers, ","), l.Units, int64(l.Charge),
			joinInts(l.Pointers), l.NDC, formatDate(l.DateOfService)})
	}
	if err := p.insertRows(ctx, "claim_line", `org_id, claim_id, seq, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service`, rows); err != nil {
		return 0, false, err
	}
	if err := p.exec(ctx, `INSERT INTO claim_event (org_id, claim_id, at, user_id, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		org, id, formatTime(now), a.UserID, "", rcm.ClaimDraft, "secondary claim from the primary's 835"); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// LineBalances returns the ledger balances of lines; a line without
// entries is absent.
func (db *DB) LineBalances(ctx context.Context, lines []int64) (map[int64]*ledger.LineBalance, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out map[int64]*ledger.LineBalance
	err = db.Transact(ctx, func(tx *Tx) error {
		out, err = tx.lineBalances(ctx, a.OrgID, uniqueInts(lines))
		return err
	})
	return out, err
}

// FindDenials lists the denied lines of posted 835s (the payer paid
// nothing and left nothing to the patient), newest first, with their
// CARCs and RARCs; remit.Explain adds the meanings.
func (db *DB) FindDenials(ctx context.Context, f remit.DenialFilter) ([]*remit.Denial, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	where, args := `l.org_id = ? AND l.denied = 1`, []any{a.OrgID}
	if f.PayerID > 0 {
		where, args = where+` AND r.payer_id = ?`, append(args, f.PayerID)
	}
	if f.Offset < 0 {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "offset", "offset must not be negative.")
	}
	args = append(args, limit(f.Limit), f.Offset)
	var out []*remit.Denial
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		out, err = queryAll(ctx, tx, func(s scanner) (*remit.Denial, error) {
			d := &remit.Denial{}
			var claimID sql.NullInt64
			var charge, paid int64
			var paidOn, adjs, remarks, claimRemarks string
			if err := s.Scan(&d.RemittanceID, &claimID, &d.ControlNumber, &d.Line, &d.Code, &d.PayerID, &d.PayerName, &charge, &paid,
				&paidOn, &adjs, &remarks, &claimRemarks); err != nil {
				return nil, err
			}
			d.ClaimID, d.Amount = claimID.Int64, rcm.Money(charge-paid)
			var err error
			if d.Date, err = parseDate(paidOn); err != nil {
				return nil, err
			}
			var as []rcm.Adjustment
			if adjs != "" {
				if err := json.Unmarshal([]byte(adjs), &as); err != nil {
					return nil, err
				}
			}
			for _, x := range as {
				d.Reasons = append(d.Reasons, remit.Reason{Group: x.Group, Code: x.Reason, Amount: x.Amount})
			}
			for _, r := range strings.Split(strings.Trim(remarks+","+claimRemarks, ","), ",") {
				if r != "" {
					d.Remarks = append(d.Remarks, remit.Reason{Code: r})
				}
			}
			return d, nil
		}, `SELECT r.id, c.claim_id, c.control_number, l.claim_line, l.code, r.payer_id, p.name, l.charge, l.paid, r.paid_on,
				l.adjustments, l.remarks, c.remarks
			FROM remit_line l
			JOIN remit_claim c ON c.org_id = l.org_id AND c.id = l.remit_claim_id
			JOIN remittance r ON r.org_id = c.org_id AND r.id = c.remittance_id
			JOIN payer p ON p.org_id = r.org_id AND p.id = r.payer_id
			WHERE `+where+` AND c.outcome = 'posted' ORDER BY l.id DESC LIMIT ? OFFSET ?`, args...)
		if err != nil {
			return err
		}
		claims := make([]int64, 0, len(out))
		for _, d := range out {
			if d.ClaimID > 0 {
				claims = append(claims, d.ClaimID)
			}
		}
		patients, err := claimPatients(ctx, tx, a.OrgID, claims)
		if err != nil {
			return err
		}
		return tx.auditList(ctx, a, "denials", 0, patients)
	})
	return out, err
}

// FindRemitExceptions lists the open entries of the exceptions queue,
// oldest first.
func (db *DB) FindRemitExceptions(ctx context.Context) ([]*remit.Exception, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	var out []*remit.Exception
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = tx.findExceptions(ctx, a.OrgID, remit.ExceptionFilter{Status: remit.ExceptionsOpen, Limit: -1}, 0); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "remit_exceptions", 0, 0)
	})
	return out, err
}

// RemitStats is rcm.RemitStats; the alias keeps existing sqldb.RemitStats
// callers compiling now that the type lives in the domain.
type RemitStats = rcm.RemitStats

// CountRemittances returns the organization's counts of stored remittance
// rows.
func (db *DB) CountRemittances(ctx context.Context) (RemitStats, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return RemitStats{}, err
	}
	var s RemitStats
	for _, q := range []struct {
		table string
		n     *int
	}{{"remittance", &s.Remittances}, {"remit_claim", &s.ClaimPayments}, {"remit_line", &s.Lines}, {"remit_exception", &s.Exceptions}, {"remit_plb", &s.ProviderAdjustments}} {
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+q.table+` WHERE org_id = ?`, a.OrgID).Scan(q.n); err != nil {
			return s, err
		}
	}
	return s, nil
}

// ChargeClaims charges each claim's lines to its payer in the ledger
// (remit.ChargeClaim), as claim.Submit does when a batch is stored.
func (db *DB) ChargeClaims(ctx context.Context, claims []*rcm.Claim) error {
	for _, c := range claims {
		if err := remit.ChargeClaim(ctx, db, c); err != nil {
			return fmt.Errorf("charge claim %s: %w", c.ControlNumber, err)
		}
	}
	return nil
}
