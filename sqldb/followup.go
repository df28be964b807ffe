package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/ledger"
)

// The follow-up desk's work items and appeals name patients and claims:
// every read and change is audited in its transaction.

const followupCols = `i.id, i.org_id, i.claim_id, i.patient_id, i.payer_id, i.line_code, i.kind, i.category, i.reasons, i.summary, i.stake,
	i.opened_on, i.appeal_by, i.filing_by, i.due, i.owner_id, i.follow_up, i.state, i.outcome, i.source, i.closed_at, i.due_now,
	i.written_off, i.write_off_reason, c.control_number, p.last_name, p.first_name, p.account_number, y.name, COALESCE(u.name, '')`

const followupFrom = ` FROM followup_item i
	JOIN claim c ON c.org_id = i.org_id AND c.id = i.claim_id
	JOIN patient p ON p.org_id = i.org_id AND p.id = i.patient_id
	JOIN payer y ON y.org_id = i.org_id AND y.id = i.payer_id
	LEFT JOIN app_user u ON u.org_id = i.org_id AND u.id = i.owner_id`

func scanFollowup(s scanner) (*followup.Item, error) {
	it := &followup.Item{}
	var opened, appeal, filing, due, fu, closed, last, first string
	var stake, dueNow, wo int64
	if err := s.Scan(&it.ID, &it.OrgID, &it.ClaimID, &it.PatientID, &it.PayerID, &it.LineCode, &it.Kind, &it.Category, &it.Reasons, &it.Summary, &stake,
		&opened, &appeal, &filing, &due, &it.OwnerID, &fu, &it.State, &it.Outcome, &it.Source, &closed, &dueNow,
		&wo, &it.WriteOffReason, &it.ControlNumber, &last, &first, &it.AccountNumber, &it.PayerName, &it.OwnerName); err != nil {
		return nil, err
	}
	it.Stake, it.PatientName, it.DueNow, it.WrittenOff = rcm.Money(stake), last+", "+first, dueNow != 0, rcm.Money(wo)
	var err error
	for _, d := range []struct {
		s string
		d *rcm.Date
	}{{opened, &it.OpenedOn}, {appeal, &it.AppealBy}, {filing, &it.FilingBy}, {due, &it.Due}, {fu, &it.FollowUp}} {
		if *d.d, err = parseDate(d.s); err != nil {
			return nil, err
		}
	}
	it.ClosedAt, err = parseTime(closed)
	return it, err
}

// OpenFollowUpItem opens a work item unless one from the same source is
// already on the claim (then it returns that one, Opened false).
func (db *DB) OpenFollowUpItem(ctx context.Context, it *followup.Item) (opened bool, err error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return false, err
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM followup_item WHERE org_id = ? AND claim_id = ? AND source = ?`, a.OrgID, it.ClaimID, it.Source).Scan(&id)
		if err == nil {
			it.ID = id
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		opened = true
		return tx.openItem(ctx, a, it)
	})
	return opened, err
}

// openItem stores a new work item with its deadlines from the claim's
// payer and date of service.
func (tx *Tx) openItem(ctx context.Context, a rcm.Actor, it *followup.Item) error {
	if it.Source == "" || it.Kind == "" || it.Category == "" {
		return rcm.Errorf(rcm.EINVALID, "A work item needs its kind, category and source.")
	}
	var dos string
	err := tx.QueryRowContext(ctx, `SELECT patient_id, payer_id, date_of_service FROM claim WHERE org_id = ? AND id = ?`, a.OrgID, it.ClaimID).Scan(&it.PatientID, &it.PayerID, &dos)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("Claim", it.ClaimID)
	} else if err != nil {
		return err
	}
	d, err := parseDate(dos)
	if err != nil {
		return err
	}
	py, err := tx.findPayer(ctx, a.OrgID, it.PayerID)
	if err != nil {
		return err
	}
	if it.OpenedOn.IsZero() {
		it.OpenedOn = rcm.DateOf(tx.Now())
	}
	it.Deadlines(py, d)
	it.OrgID, it.State = a.OrgID, followup.Open
	it.ID, err = tx.insert(ctx, `INSERT INTO followup_item (org_id, claim_id, patient_id, payer_id, line_code, kind, category, reasons, summary, stake,
		opened_on, appeal_by, filing_by, due, owner_id, follow_up, state, outcome, source, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', 'open', '', ?, '')`,
		a.OrgID, it.ClaimID, it.PatientID, it.PayerID, it.LineCode, it.Kind, it.Category, it.Reasons, it.Summary, int64(it.Stake),
		formatDate(it.OpenedOn), formatDate(it.AppealBy), formatDate(it.FilingBy), formatDate(it.Due), it.Source)
	if err != nil {
		return err
	}
	if err := tx.addNote(ctx, a, it.ID, "opened", it.Summary); err != nil {
		return err
	}
	return tx.audit(ctx, a, rcm.AuditCreate, "followup_item", it.ID, it.PatientID)
}

func (tx *Tx) findPayer(ctx context.Context, org, id int64) (*rcm.Payer, error) {
	p := &rcm.Payer{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT name, payer_id, filing_indicator, timely_filing_days FROM payer WHERE org_id = ? AND id = ?`, org, id).
		Scan(&p.Name, &p.PayerID, &p.FilingIndicator, &p.TimelyFilingDays)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Payer", id)
	}
	return p, err
}

func (tx *Tx) addNote(ctx context.Context, a rcm.Actor, itemID int64, action, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO followup_note (org_id, item_id, at, user_id, action, note) VALUES (?, ?, ?, ?, ?, ?)`,
		a.OrgID, itemID, formatTime(tx.Now()), a.UserID, action, note)
	return err
}

// FindFollowUps lists work items for the queue: open ones by default,
// those due now (the reminder found their follow-up date or deadline
// come) first, then soonest deadline, then largest stake, with keyset
// paging (After is the last item of the previous page).
func (db *DB) FindFollowUps(ctx context.Context, f followup.Filter) ([]*followup.Item, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	state := f.State
	if state == "" {
		state = followup.Open
	}
	q := `SELECT ` + followupCols + followupFrom + ` WHERE i.org_id = ? AND i.state = ?`
	args := []any{a.OrgID, state}
	if f.PayerID > 0 {
		q, args = q+` AND i.payer_id = ?`, append(args, f.PayerID)
	}
	if f.ClaimID > 0 {
		q, args = q+` AND i.claim_id = ?`, append(args, f.ClaimID)
	}
	if f.Category != "" {
		q, args = q+` AND i.category = ?`, append(args, f.Category)
	}
	if f.OwnerID != 0 {
		q, args = q+` AND i.owner_id = ?`, append(args, max(f.OwnerID, 0))
	}
	if !f.DueBy.IsZero() {
		q, args = q+` AND i.due <= ?`, append(args, formatDate(f.DueBy))
	}
	if f.After != nil {
		// Keyset: (-due_now, due, -stake, id) after the last row shown.
		ad, as, ai := formatDate(f.After.Due), int64(f.After.Stake), f.After.ID
		var an int64
		if f.After.DueNow {
			an = 1
		}
		q += ` AND (i.due_now < ? OR (i.due_now = ? AND (i.due > ? OR (i.due = ? AND (i.stake < ? OR (i.stake = ? AND i.id > ?))))))`
		args = append(args, an, an, ad, ad, as, as, ai)
	}
	q += ` ORDER BY i.due_now DESC, i.due, i.stake DESC, i.id LIMIT ?`
	args = append(args, limit(f.Limit))
	var out []*followup.Item
	err = db.Transact(ctx, func(tx *Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, scanFollowup, q, args...); err != nil {
			return err
		}
		ps := make([]int64, len(out))
		for i, it := range out {
			ps[i] = it.PatientID
		}
		return tx.auditList(ctx, a, "followup_items", 0, ps)
	})
	return out, err
}

// FindFollowUpItem returns one work item with its activity log.
func (db *DB) FindFollowUpItem(ctx context.Context, id int64) (*followup.Item, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var it *followup.Item
	err = db.Transact(ctx, func(tx *Tx) error {
		it, err = scanFollowup(tx.QueryRowContext(ctx, `SELECT `+followupCols+followupFrom+` WHERE i.org_id = ? AND i.id = ?`, a.OrgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Work item", id)
		} else if err != nil {
			return err
		}
		it.Notes, err = queryAll(ctx, tx, func(s scanner) (followup.Note, error) {
			var n followup.Note
			var at string
			if err := s.Scan(&at, &n.UserID, &n.User, &n.Action, &n.Note); err != nil {
				return n, err
			}
			var err error
			n.At, err = parseTime(at)
			return n, err
		}, `SELECT n.at, n.user_id, COALESCE(u.name, ''), n.action, n.note FROM followup_note n LEFT JOIN app_user u ON u.org_id = n.org_id AND u.id = n.user_id
			WHERE n.org_id = ? AND n.item_id = ? ORDER BY n.id`, a.OrgID, id)
		if err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "followup_item", id, it.PatientID)
	})
	return it, err
}

// AssignFollowUps gives work items to a user (0 takes them back to the
// unassigned pool), all or none; each item's log records it.
func (db *DB) AssignFollowUps(ctx context.Context, ids []int64, ownerID int64) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if len(ids) == 0 || len(ids) > 1000 {
		return rcm.Errorf(rcm.EINVALID, "Assign 1 to 1,000 work items at a time.")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		who := "nobody"
		if ownerID != 0 {
			err := tx.QueryRowContext(ctx, `SELECT name FROM app_user WHERE org_id = ? AND id = ?`, a.OrgID, ownerID).Scan(&who)
			if errors.Is(err, sql.ErrNoRows) {
				return rcm.FieldErrorf(rcm.ENOTFOUND, "owner", "No user %d in this organization.", ownerID)
			} else if err != nil {
				return err
			}
		}
		for _, id := range ids {
			var patient int64
			err := tx.QueryRowContext(ctx, `SELECT patient_id FROM followup_item WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, id).Scan(&patient)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("Work item", id)
			} else if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE followup_item SET owner_id = ? WHERE org_id = ? AND id = ?`, ownerID, a.OrgID, id); err != nil {
				return err
			}
			if err := tx.addNote(ctx, a, id, "assigned", "assigned to "+who); err != nil {
				return err
			}
			if err := tx.audit(ctx, a, rcm.AuditUpdate, "followup_item", id, patient); err != nil {
				return err
			}
		}
		return nil
	})
}

// NoteFollowUp adds a note to an item's log and, when set, its follow-up
// date.
func (db *DB) NoteFollowUp(ctx context.Context, id int64, note string, followUp rcm.Date) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if (note == "" && followUp.IsZero()) || len(note) > 2000 {
		return rcm.FieldErrorf(rcm.EINVALID, "note", "Write a note of at most 2,000 characters, or set a follow-up date.")
	}
	return db.Transact(ctx, func(tx *Tx) error {
		var patient int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM followup_item WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, id).Scan(&patient)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Work item", id)
		} else if err != nil {
			return err
		}
		action := "note"
		if !followUp.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE followup_item SET follow_up = ?, due_now = 0 WHERE org_id = ? AND id = ?`, formatDate(followUp), a.OrgID, id); err != nil {
				return err
			}
			action = "follow-up " + followUp.String()
		}
		if err := tx.addNote(ctx, a, id, action, note); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditUpdate, "followup_item", id, patient)
	})
}

// CloseFollowUp ends a work item with its outcome. A write-off needs the
// administrator's permission (setup:write), a reason and a note, and posts
// in the same transaction as the close: the claim's open insurance
// balance with the item's payer (or c.Amount of it, never more) is
// written off in the ledger (group WO, c.Reason), once per item, so the
// claim's balance, A/R and the KPIs see it. Closing an item twice is
// ECONFLICT and posts nothing.
func (db *DB) CloseFollowUp(ctx context.Context, id int64, c followup.Closing) error {
	perm := rcm.PermBill
	if c.Outcome == followup.OutcomeWrittenOff {
		perm = rcm.PermWriteSetup
	}
	a, err := rcm.RequireActor(ctx, perm)
	if err != nil {
		if c.Outcome == followup.OutcomeWrittenOff {
			return rcm.Errorf(rcm.EFORBIDDEN, "Writing off a balance needs an administrator's permission; nothing was changed.")
		}
		return err
	}
	switch c.Outcome {
	case followup.OutcomeResubmitted, followup.OutcomeAppealed, followup.OutcomeWrittenOff, followup.OutcomePatientBill, followup.OutcomeResolved:
	default:
		return rcm.FieldErrorf(rcm.EINVALID, "outcome", "The outcome must be corrected_resubmitted, appealed, written_off, patient_billed or resolved.")
	}
	if c.Outcome == followup.OutcomeWrittenOff {
		if strings.TrimSpace(c.Note) == "" {
			return rcm.FieldErrorf(rcm.EINVALID, "note", "Say why the balance is written off.")
		}
		if err := rcm.ValidateClaimWriteOff(c.Amount, c.Reason); err != nil {
			return err
		}
	} else if c.Amount != 0 || c.Reason != "" {
		return rcm.FieldErrorf(rcm.EINVALID, "amount", "An amount and a reason go only with the outcome written_off.")
	}
	return db.Transact(ctx, func(tx *Tx) error { return tx.closeItem(ctx, a, id, c) })
}

func (tx *Tx) closeItem(ctx context.Context, a rcm.Actor, id int64, c followup.Closing) error {
	var patient, claimID, payerID int64
	var state, lineCode string
	err := tx.QueryRowContext(ctx, `SELECT patient_id, claim_id, payer_id, line_code, state FROM followup_item WHERE org_id = ? AND id = ?`+tx.forUpdate(), a.OrgID, id).
		Scan(&patient, &claimID, &payerID, &lineCode, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("Work item", id)
	} else if err != nil {
		return err
	}
	if state == followup.Closed {
		return rcm.Errorf(rcm.ECONFLICT, "Work item %d is closed already.", id)
	}
	note := c.Note
	if c.Outcome == followup.OutcomeWrittenOff {
		wo, txn, err := tx.writeOffClaim(ctx, a, id, claimID, payerID, lineCode, c)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE followup_item SET written_off = ?, write_off_reason = ?, write_off_txn_id = ? WHERE org_id = ? AND id = ?`,
			int64(wo), c.Reason, nullID(txn), a.OrgID, id); err != nil {
			return err
		}
		note = wo.Dollars() + " written off (" + c.Reason + "): " + c.Note
		if wo == 0 {
			note = "nothing was open to write off (the payer's adjustments took the balance off); nothing posted: " + c.Note
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE followup_item SET state = 'closed', outcome = ?, closed_at = ? WHERE org_id = ? AND id = ?`,
		c.Outcome, formatTime(tx.Now()), a.OrgID, id); err != nil {
		return err
	}
	if err := tx.addNote(ctx, a, id, "closed: "+c.Outcome, note); err != nil {
		return err
	}
	return tx.audit(ctx, a, rcm.AuditUpdate, "followup_item", id, patient)
}

// writeOffClaim posts the write-off of a work item being closed: c.Amount
// (zero: all) of the open balance payer has on the claim's lines, the
// item's line first, then the others in claim order, as one ledger
// transaction keyed by the item, so it posts once. It returns the amount
// and the transaction.
func (tx *Tx) writeOffClaim(ctx context.Context, a rcm.Actor, itemID, claimID, payer int64, lineCode string, c followup.Closing) (rcm.Money, int64, error) {
	if err := tx.refuseClosed(ctx, a.OrgID, tx.Now()); err != nil {
		return 0, 0, err
	}
	type claimLine struct {
		id   int64
		code string
	}
	cls, err := queryAll(ctx, tx, func(s scanner) (claimLine, error) {
		var l claimLine
		return l, s.Scan(&l.id, &l.code)
	}, `SELECT service_line_id, code FROM claim_line WHERE org_id = ? AND claim_id = ? AND service_line_id > 0 ORDER BY seq`, a.OrgID, claimID)
	if err != nil {
		return 0, 0, err
	}
	var order []int64
	for _, first := range []bool{true, false} {
		for _, l := range cls {
			if (l.code == lineCode) == first && !slices.Contains(order, l.id) {
				order = append(order, l.id)
			}
		}
	}
	sorted := slices.Clone(order)
	slices.Sort(sorted)
	if err := tx.lockLines(ctx, a.OrgID, sorted); err != nil {
		return 0, 0, err
	}
	balances, err := tx.lineBalances(ctx, a.OrgID, sorted)
	if err != nil {
		return 0, 0, err
	}
	var open rcm.Money
	for _, l := range order {
		if b := balances[l]; b != nil {
			open += max(b.Insurance[payer], 0)
		}
	}
	amount := c.Amount
	if amount == 0 {
		amount = open
	}
	if amount > open {
		return 0, 0, rcm.FieldErrorf(rcm.EINVALID, "amount", "The claim's open insurance balance is %s; a write-off of %s is more than that. Nothing was changed.", open.Dollars(), amount.Dollars())
	}
	if amount == 0 {
		// A denial the payer adjusted off (CO) leaves nothing open: the
		// item closes and its note says nothing was posted.
		return 0, 0, nil
	}
	t := &ledger.Transaction{Key: "followup-write-off:" + strconv.FormatInt(itemID, 10), Memo: "write-off " + c.Reason + " closing work item " + strconv.FormatInt(itemID, 10)}
	left := amount
	var touched []int64
	for _, l := range order {
		b := balances[l]
		if left == 0 {
			break
		}
		if b == nil || b.Insurance[payer] <= 0 {
			continue
		}
		share := min(left, b.Insurance[payer])
		t.WriteOff(l, payer, c.Reason, share)
		touched = append(touched, l)
		left -= share
	}
	slices.Sort(touched)
	ids, err := tx.postLedgerOn(ctx, a, []*ledger.Transaction{t}, touched, balances)
	if err != nil {
		return 0, 0, err
	}
	return amount, ids[0], nil
}

// ResolveFollowUps closes the open items whose money came in: items of a
// claim now paid, or of a claim whose replacement (frequency 7) is paid.
// A queue that never empties is a queue nobody trusts. An underpayment
// stays open: its claim is paid, only not in full. It returns how
// many it closed.
func (db *DB) ResolveFollowUps(ctx context.Context) (int, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return 0, err
	}
	n := 0
	err = db.Transact(ctx, func(tx *Tx) error {
		n = 0
		ids, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, `SELECT i.id FROM followup_item i JOIN claim c ON c.org_id = i.org_id AND c.id = i.claim_id
			WHERE i.org_id = ? AND i.state = 'open' AND i.kind <> 'underpayment' AND (c.state = 'paid'
			   OR EXISTS (SELECT 1 FROM claim r WHERE r.org_id = c.org_id AND r.replaces_claim_id = c.id AND r.state = 'paid'))
			ORDER BY i.id`, a.OrgID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.closeItem(ctx, a, id, followup.Closing{Outcome: followup.OutcomeResolved, Note: "the claim is paid"}); err != nil {
				return err
			}
			n++
		}
		// An open appeal whose claim is now paid was won.
		_, err = tx.ExecContext(ctx, `UPDATE appeal SET state = 'overturned' WHERE org_id = ? AND state = 'open'
			AND claim_id IN (SELECT id FROM claim WHERE org_id = ? AND state = 'paid')`, a.OrgID, a.OrgID)
		return err
	})
	return n, err
}

const appealCols = `id, org_id, claim_id, item_id, level, reason, argument, address, documents, sent_on, answer_by, state, created_by, created_at`

func scanAppeal(s scanner) (*followup.Appeal, error) {
	ap := &followup.Appeal{}
	var docs, addr, sent, by, created string
	if err := s.Scan(&ap.ID, &ap.OrgID, &ap.ClaimID, &ap.ItemID, &ap.Level, &ap.Reason, &ap.Argument, &addr, &docs, &sent, &by, &ap.State, &ap.CreatedBy, &created); err != nil {
		return nil, err
	}
	if addr != "" {
		ap.PayerAddress = strings.Split(addr, "\n")
	}
	if docs != "" {
		ap.Documents = strings.Split(docs, "\n")
	}
	var err error
	if ap.SentOn, err = parseDate(sent); err != nil {
		return nil, err
	}
	if ap.AnswerBy, err = parseDate(by); err != nil {
		return nil, err
	}
	ap.CreatedAt, err = parseTime(created)
	return ap, err
}

// CreateAppeal records an appeal on a denied (or partly paid) claim and
// moves the claim to appealed, which it shows while the appeal is open;
// the work item it came from closes as appealed.
func (db *DB) CreateAppeal(ctx context.Context, ap *followup.Appeal) error {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return err
	}
	if err := ap.Validate(); err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		ap.OrgID, ap.State, ap.CreatedBy, ap.CreatedAt = a.OrgID, "open", a.UserID, tx.Now()
		if err := tx.moveClaim(ctx, a, ap.ClaimID, rcm.ClaimAppealed, ap.Level+"-level appeal: "+ap.Reason); err != nil {
			return err
		}
		var err error
		ap.ID, err = tx.insert(ctx, `INSERT INTO appeal (org_id, claim_id, item_id, level, reason, argument, address, documents, sent_on, answer_by, state, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`, a.OrgID, ap.ClaimID, ap.ItemID, ap.Level, ap.Reason, ap.Argument, strings.Join(ap.PayerAddress, "\n"),
			strings.Join(ap.Documents, "\n"), formatDate(ap.SentOn), formatDate(ap.AnswerBy), a.UserID, formatTime(ap.CreatedAt))
		if err != nil {
			return err
		}
		// The claim's open denial items are answered by the appeal.
		items, err := queryAll(ctx, tx, func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, `SELECT id FROM followup_item WHERE org_id = ? AND claim_id = ? AND state = 'open' AND (kind = 'denial' OR id = ?) ORDER BY id`, a.OrgID, ap.ClaimID, ap.ItemID)
		if err != nil {
			return err
		}
		for _, id := range items {
			if err := tx.closeItem(ctx, a, id, followup.Closing{Outcome: followup.OutcomeAppealed, Note: ap.Level + "-level appeal sent " + ap.SentOn.String()}); err != nil {
				return err
			}
		}
		var patient int64
		if err := tx.QueryRowContext(ctx, `SELECT patient_id FROM claim WHERE org_id = ? AND id = ?`, a.OrgID, ap.ClaimID).Scan(&patient); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditCreate, "appeal", ap.ID, patient)
	})
}

// FindAppeals returns a claim's appeals, oldest first.
func (db *DB) FindAppeals(ctx context.Context, claimID int64) ([]*followup.Appeal, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermReadPatients)
	if err != nil {
		return nil, err
	}
	var out []*followup.Appeal
	err = db.Transact(ctx, func(tx *Tx) error {
		var patient int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM claim WHERE org_id = ? AND id = ?`, a.OrgID, claimID).Scan(&patient)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Claim", claimID)
		} else if err != nil {
			return err
		}
		if out, err = queryAll(ctx, tx, scanAppeal, `SELECT `+appealCols+` FROM appeal WHERE org_id = ? AND claim_id = ? ORDER BY id`, a.OrgID, claimID); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditRead, "appeal", claimID, patient)
	})
	return out, err
}

// MarkFollowUpsDue flags the open work items whose follow-up date or
// deadline is on or before day as due now, so they lead their owner's
// queue, with a note in each item's log; items flagged before are left
// alone. It returns how many it flagged.
func (db *DB) MarkFollowUpsDue(ctx context.Context, day rcm.Date) (int, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return 0, err
	}
	d := formatDate(day)
	n := 0
	err = db.Transact(ctx, func(tx *Tx) error {
		type row struct {
			id, patient int64
			followUp    string
		}
		rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.patient, &r.followUp)
		}, `SELECT id, patient_id, follow_up FROM followup_item WHERE org_id = ? AND state = 'open' AND due_now = 0
			AND ((follow_up <> '' AND follow_up <= ?) OR (due <> '' AND due <= ?)) ORDER BY id`+tx.forUpdate(), a.OrgID, d, d)
		if err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		refs := make([]auditRef, len(rows))
		for i, r := range rows {
			ids[i] = r.id
			refs[i] = auditRef{rcm.AuditUpdate, "followup_item", r.id, r.patient}
			why := "reminder: the deadline has come"
			if r.followUp != "" && r.followUp <= d {
				why = "reminder: follow-up date " + r.followUp + " has come"
			}
			if err := tx.addNote(ctx, a, r.id, "due now", why); err != nil {
				return err
			}
		}
		in, args := placeholders(a.OrgID, ids)
		if _, err := tx.ExecContext(ctx, `UPDATE followup_item SET due_now = 1 WHERE org_id = ? AND id IN `+in, args...); err != nil {
			return err
		}
		n = len(rows)
		return tx.auditMany(ctx, a, refs)
	})
	return n, err
}

// FindFollowUpOwners lists the users who may work follow-up items
// (their role may bill), by name, for the workbench's assign lists. It
// gives names and ids only: a biller may not list users otherwise.
func (db *DB) FindFollowUpOwners(ctx context.Context) ([]*rcm.User, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermBill)
	if err != nil {
		return nil, err
	}
	us, err := queryAll(ctx, db, func(s scanner) (*rcm.User, error) {
		u := &rcm.User{}
		return u, s.Scan(&u.ID, &u.Username, &u.Name, &u.Role)
	}, `SELECT id, username, name, role FROM app_user WHERE org_id = ? ORDER BY name, username`, a.OrgID)
	if err != nil {
		return nil, err
	}
	out := us[:0]
	for _, u := range us {
		if rcm.RoleCan(u.Role, rcm.PermBill) {
			out = append(out, u)
		}
	}
	return out, nil
}
