package hl7

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
)

// Store is what applying a message needs; *sqldb.DB implements it.
type Store interface {
	rcm.PatientService
	rcm.EncounterService
	rcm.InterfaceService
	FindPractices(ctx context.Context) ([]*rcm.Practice, error)
	FindProviders(ctx context.Context) ([]*rcm.Provider, error)
	FindFacilities(ctx context.Context) ([]*rcm.Facility, error)
	FindPayers(ctx context.Context) ([]*rcm.Payer, error)
	// FindPatientsByAccount returns the patients with these account
	// numbers, ignoring case: the patients of a batch, read at once.
	FindPatientsByAccount(ctx context.Context, accounts []string) ([]*rcm.Patient, error)
	// Atomically runs fn in one transaction: every service call made with
	// the context fn receives commits together or not at all.
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}

// Codes refuses codes not valid on the date of service, with an error
// naming the code; codeset.Checker implements it.
type Codes interface {
	CheckDiagnosis(ctx context.Context, code string, dos rcm.Date) error
	CheckProcedure(ctx context.Context, code string, dos rcm.Date) error
}

// Receiver applies HL7 v2 messages to the store: the one path every door
// (MLLP listener, file import, replay from the error queue) goes through.
type Receiver struct {
	Store Store
	Clock rcm.Clock
	// Codes, when set, checks codes against the code sets in force on the
	// date of service.
	Codes Codes
}

// Result is what became of one message.
type Result struct {
	Ack         Ack
	ControlID   string
	Type        string
	PatientID   int64
	EncounterID int64
	// Stored is the interface message id, 0 when the message could not be
	// kept (no readable MSH-10).
	Stored int64
}

// Receive reads, validates and applies one message in one transaction, and
// answers its ACK. A message whose control id was already applied changes
// nothing and is acknowledged AA as a duplicate. A message that fails is
// kept in the interface error queue with the field at fault. The error
// returned is only for storage failures: a bad message is an ACK, not an
// error.
func (rc *Receiver) Receive(ctx context.Context, raw []byte) (*Message, Result, error) {
	out, err := rc.apply(ctx, [][]byte{raw}, 0)
	if err != nil {
		var res Result
		res.ControlID, res.Type = sniffHeader(raw)
		return nil, res, err
	}
	return out[0].ack(), out[0].res, nil
}

// Reply is the answer to one message of a batch: its ACK and what became
// of it.
type Reply struct {
	Ack    *Message
	Result Result
	// Err is a storage failure of this message alone (the listener's
	// retry of a failed group); ReceiveBatch leaves it nil.
	Err error
}

// ReceiveBatch applies messages as Receive does, each whole or not at all
// (under a savepoint of its own), all in one transaction: one commit for
// the lot, which is what lets the MLLP listener keep up with many senders
// (group commit). The replies hold only once it returns nil, since the
// commit is what applies them; on a storage error nothing of the batch
// was kept.
func (rc *Receiver) ReceiveBatch(ctx context.Context, raws [][]byte) ([]Reply, error) {
	out, err := rc.apply(ctx, raws, 0)
	if err != nil {
		return nil, err
	}
	replies := make([]Reply, len(out))
	for i := range out {
		replies[i] = Reply{Ack: out[i].ack(), Result: out[i].res}
	}
	return replies, nil
}

// received is one message applied: the message as read (nil when it could
// not be) and its result, from which its ACK is built when one is needed.
type received struct {
	msg *Message
	res Result
	at  time.Time
}

func (r *received) ack() *Message {
	return AckMessage(r.msg, r.res.Ack, r.at, ackID(r.res.ControlID))
}

// batchSize is how many messages of a file share one commit. Each still
// applies whole or not at all (a savepoint of its own, see
// sqldb.Atomically); the batch only saves the commits and the lookups.
const batchSize = 200

// ImportFile applies every message of a file (see Split), each whole or not
// at all, and returns what became of each: the path of rcm hl7 import and
// of the demo. The error is only for storage failures.
func (rc *Receiver) ImportFile(ctx context.Context, data []byte) ([]Result, error) {
	msgs := Split(data)
	out := make([]Result, 0, len(msgs))
	for start := 0; start < len(msgs); start += batchSize {
		got, err := rc.apply(ctx, msgs[start:min(start+batchSize, len(msgs))], start)
		if err != nil {
			return out, err
		}
		for i := range got {
			out = append(out, got[i].res)
		}
	}
	return out, nil
}

// apply reads the messages, then applies them in one transaction, each
// under its own savepoint, reading what they share once: the practice's
// setup and the patients they name. first numbers the messages in errors.
func (rc *Receiver) apply(ctx context.Context, raws [][]byte, first int) ([]received, error) {
	msgs := make([]*Message, len(raws))
	errs := make([]error, len(raws))
	for i, raw := range raws {
		msgs[i], errs[i] = Parse(raw)
	}
	out := make([]received, len(raws))
	err := rc.Store.Atomically(ctx, func(ctx context.Context) error {
		b, err := rc.loadBatch(ctx, msgs)
		if err != nil {
			return err
		}
		for i, raw := range raws {
			if out[i], err = rc.receive(ctx, b, raw, msgs[i], errs[i]); err != nil {
				return fmt.Errorf("message %d: %w", first+i+1, err)
			}
		}
		return nil
	})
	return out, err
}

// receive applies one read message within the batch's transaction.
func (rc *Receiver) receive(ctx context.Context, b *batch, raw []byte, msg *Message, perr error) (received, error) {
	r := received{msg: msg, at: rc.Clock.Now()}
	res := &r.res
	if perr != nil {
		r.msg = nil
		var pe *ParseError
		loc := "MSH"
		if errors.As(perr, &pe) {
			loc = pe.Location()
		}
		res.Ack = Ack{Code: AR, Text: msgText(perr), Location: loc}
		res.ControlID, res.Type = sniffHeader(raw)
		res.Ack.ControlID = res.ControlID
		if res.ControlID != "" && len(raw) <= MaxMessageBytes {
			if err := rc.fail(ctx, res, raw); err != nil {
				return r, err
			}
		}
		return r, nil
	}
	res.ControlID, res.Type = msg.ControlID(), msg.Type()
	if res.ControlID == "" {
		res.Ack = Ack{Code: AR, Text: "MSH-10 (message control id) is required.", Location: "MSH-10"}
		return r, nil
	}
	apply := rc.applier(res.Type)
	if apply == nil {
		res.Ack = Ack{Code: AR, Text: fmt.Sprintf("Message type %q is not handled (ADT^A04, ADT^A08 and DFT^P03 are).", res.Type), Location: "MSH-9"}
		return r, rc.fail(ctx, res, raw)
	}
	prev, err := rc.Store.FindInterfaceMessage(ctx, rcm.InterfaceHL7, res.ControlID)
	switch {
	case err == nil && prev.Status == rcm.InterfaceApplied:
		res.Ack = Ack{Code: AA, Text: "Duplicate of a message already applied; nothing changed.", Duplicate: true}
		res.PatientID, res.EncounterID, res.Stored = prev.PatientID, prev.EncounterID, prev.ID
		return r, nil
	case err != nil && rcm.ErrorCode(err) != rcm.ENOTFOUND:
		return r, err
	}
	a := &applier{rc: rc, msg: msg, setup: b.setup, batch: b}
	err = rc.Store.Atomically(ctx, func(ctx context.Context) error {
		if err := apply(a, ctx); err != nil {
			return err
		}
		res.PatientID, res.EncounterID = a.patientID, a.encounterID
		m := &rcm.InterfaceMessage{Kind: rcm.InterfaceHL7, ControlID: res.ControlID, Type: res.Type, Status: rcm.InterfaceApplied,
			Ack: AA, PatientID: a.patientID, EncounterID: a.encounterID, Body: string(raw)}
		if err := rc.Store.SaveInterfaceMessage(ctx, m); err != nil {
			return err
		}
		res.Stored = m.ID
		return nil
	})
	if err != nil {
		var re *rcm.Error
		if !errors.As(err, &re) {
			return r, err
		}
		res.PatientID, res.EncounterID = 0, 0
		res.Ack = Ack{Code: AE, Text: re.Message, Location: rcm.ErrorField(err)}
		return r, rc.fail(ctx, res, raw)
	}
	// Only now, with the message's savepoint released, may later messages
	// of the batch see the patient it found or made.
	b.remember(a.found)
	res.Ack = Ack{Code: AA, Text: "Applied."}
	return r, nil
}

// fail keeps a refused message in the interface error queue.
func (rc *Receiver) fail(ctx context.Context, res *Result, raw []byte) error {
	m := &rcm.InterfaceMessage{Kind: rcm.InterfaceHL7, ControlID: res.ControlID, Type: res.Type, Status: rcm.InterfaceFailed,
		Ack: res.Ack.Code, ErrorField: res.Ack.Location, ErrorText: res.Ack.Text, Body: string(raw)}
	if err := rc.Store.SaveInterfaceMessage(ctx, m); err != nil {
		return err
	}
	res.Stored = m.ID
	return nil
}

// Replay applies a queued message again, after the biller fixed what it
// named (the practice's setup, or the message itself: body, when not nil,
// replaces the stored text).
func (rc *Receiver) Replay(ctx context.Context, id int64, body []byte) (*Message, Result, error) {
	m, err := rc.Store.FindInterfaceMessageByID(ctx, id)
	if err != nil {
		return nil, Result{}, err
	}
	if m.Kind != rcm.InterfaceHL7 {
		return nil, Result{}, rcm.Errorf(rcm.EINVALID, "Message %d is not an HL7 message.", id)
	}
	if m.Status == rcm.InterfaceApplied {
		return nil, Result{}, rcm.Errorf(rcm.ECONFLICT, "Message %d (%s) was already applied; nothing to replay.", id, m.ControlID)
	}
	if body == nil {
		body = []byte(m.Body)
	} else if cid, _ := sniffHeader(body); cid != m.ControlID {
		return nil, Result{}, rcm.Errorf(rcm.EINVALID, "The fixed message has MSH-10 %q; it must keep the queued message's %q.", cid, m.ControlID)
	}
	return rc.Receive(ctx, body)
}

// sniffHeader finds MSH-10 and MSH-9 in text that would not parse, so a
// refused message can still be acknowledged and queued by its control id.
func sniffHeader(raw []byte) (controlID, typ string) {
	s := string(raw)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) < 4 || !strings.HasPrefix(s, "MSH") {
		return "", ""
	}
	f := strings.Split(s, s[3:4])
	if len(f) > 9 {
		controlID = f[9]
		typ = f[8]
		if comp := strings.Split(typ, "^"); len(comp) > 1 {
			typ = comp[0] + "^" + comp[1]
		}
	}
	if len(controlID) > 50 {
		controlID = ""
	}
	return controlID, typ
}

func ackID(controlID string) string {
	if controlID == "" {
		return "ACK"
	}
	return "ACK" + controlID
}

func msgText(err error) string {
	return strings.TrimPrefix(err.Error(), "hl7: ")
}
