package hl7

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	now := rc.Clock.Now()
	msg, err := Parse(raw)
	var res Result
	if err != nil {
		var pe *ParseError
		loc := "MSH"
		if errors.As(err, &pe) {
			loc = pe.Location()
		}
		res.Ack = Ack{Code: AR, Text: msgText(err), Location: loc}
		res.ControlID, res.Type = sniffHeader(raw)
		res.Ack.ControlID = res.ControlID
		if res.ControlID != "" && len(raw) <= MaxMessageBytes {
			if serr := rc.fail(ctx, &res, raw); serr != nil {
				return nil, res, serr
			}
		}
		return AckMessage(nil, res.Ack, now, ackID(res.ControlID)), res, nil
	}
	res.ControlID, res.Type = msg.ControlID(), msg.Type()
	ack := func() *Message { return AckMessage(msg, res.Ack, now, ackID(res.ControlID)) }
	if res.ControlID == "" {
		res.Ack = Ack{Code: AR, Text: "MSH-10 (message control id) is required.", Location: "MSH-10"}
		return ack(), res, nil
	}
	apply := rc.applier(res.Type)
	if apply == nil {
		res.Ack = Ack{Code: AR, Text: fmt.Sprintf("Message type %q is not handled (ADT^A04, ADT^A08 and DFT^P03 are).", res.Type), Location: "MSH-9"}
		return ack(), res, rc.fail(ctx, &res, raw)
	}
	prev, err := rc.Store.FindInterfaceMessage(ctx, rcm.InterfaceHL7, res.ControlID)
	switch {
	case err == nil && prev.Status == rcm.InterfaceApplied:
		res.Ack = Ack{Code: AA, Text: "Duplicate of a message already applied; nothing changed.", Duplicate: true}
		res.PatientID, res.EncounterID, res.Stored = prev.PatientID, prev.EncounterID, prev.ID
		return ack(), res, nil
	case err != nil && rcm.ErrorCode(err) != rcm.ENOTFOUND:
		return nil, res, err
	}
	setup, ok := ctx.Value(setupKey{}).(*setup)
	if !ok {
		if setup, err = rc.loadSetup(ctx); err != nil {
			return nil, res, err
		}
	}
	err = rc.Store.Atomically(ctx, func(ctx context.Context) error {
		a := &applier{rc: rc, msg: msg, setup: setup}
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
			return nil, res, err
		}
		res.PatientID, res.EncounterID = 0, 0
		res.Ack = Ack{Code: AE, Text: re.Message, Location: rcm.ErrorField(err)}
		return ack(), res, rc.fail(ctx, &res, raw)
	}
	res.Ack = Ack{Code: AA, Text: "Applied."}
	return ack(), res, nil
}

// batchSize is how many messages of a file share one commit. Each still
// applies whole or not at all (a savepoint of its own, see
// sqldb.Atomically); the batch only saves the commits.
const batchSize = 200

// ImportFile applies every message of a file (see Split), each whole or not
// at all, and returns what became of each: the path of rcm hl7 import and
// of the demo. The error is only for storage failures.
func (rc *Receiver) ImportFile(ctx context.Context, data []byte) ([]Result, error) {
	msgs := Split(data)
	out := make([]Result, 0, len(msgs))
	for start := 0; start < len(msgs); start += batchSize {
		batch := msgs[start:min(start+batchSize, len(msgs))]
		var results []Result
		err := rc.Store.Atomically(ctx, func(ctx context.Context) error {
			results = results[:0]
			setup, err := rc.loadSetup(ctx)
			if err != nil {
				return err
			}
			ctx = context.WithValue(ctx, setupKey{}, setup)
			for i, raw := range batch {
				_, res, err := rc.Receive(ctx, raw)
				if err != nil {
					return fmt.Errorf("message %d: %w", start+i+1, err)
				}
				results = append(results, res)
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		out = append(out, results...)
	}
	return out, nil
}

// setupKey carries the practice's setup read once for a batch.
type setupKey struct{}

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
