package rcm

import (
	"context"
	"time"
)

// Interface message kinds: where a message came from.
const (
	InterfaceHL7  = "hl7"
	InterfaceFHIR = "fhir"
)

// Interface message statuses. A message is applied whole or not at all:
// one that fails waits in the interface error queue until the biller fixes
// what it names and replays it.
const (
	InterfaceApplied = "applied"
	InterfaceFailed  = "failed"
)

// InterfaceMessage is one message an EHR sent (an HL7 v2 message, a FHIR
// bundle), kept by its control id (MSH-10) so that a resent message
// changes nothing, and so that a failed one can be fixed and replayed. Its
// body is PHI: reading it is audited.
type InterfaceMessage struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"-"`
	Kind      string `json:"kind"`
	ControlID string `json:"control_id"`
	// Type is the message type, such as "ADT^A04" or "DFT^P03".
	Type   string `json:"type"`
	Status string `json:"status"`
	// Ack is the acknowledgment code last answered (AA, AE, AR).
	Ack string `json:"ack"`
	// ErrorField names the field at fault (such as "PID-7"); ErrorText says
	// why. Both are empty once the message is applied.
	ErrorField string `json:"error_field,omitempty"`
	ErrorText  string `json:"error_text,omitempty"`
	// PatientID and EncounterID are what the message became, once applied.
	PatientID   int64     `json:"patient_id,omitempty"`
	EncounterID int64     `json:"encounter_id,omitempty"`
	Attempts    int       `json:"attempts"`
	ReceivedAt  time.Time `json:"received_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Body        string    `json:"body,omitempty"`
}

// InterfaceMessageFilter narrows FindInterfaceMessages.
type InterfaceMessageFilter struct {
	Kind   string
	Status string
	Limit  int
}

// InterfaceService keeps the interface messages. Saving runs inside the
// transaction that applies the message (see the hl7 package), so the
// record of a message commits with its effects.
type InterfaceService interface {
	// FindInterfaceMessage returns the message of a kind by control id,
	// or ENOTFOUND.
	FindInterfaceMessage(ctx context.Context, kind, controlID string) (*InterfaceMessage, error)
	FindInterfaceMessageByID(ctx context.Context, id int64) (*InterfaceMessage, error)
	FindInterfaceMessages(ctx context.Context, f InterfaceMessageFilter) ([]*InterfaceMessage, error)
	// SaveInterfaceMessage inserts or updates the message by kind and
	// control id.
	SaveInterfaceMessage(ctx context.Context, m *InterfaceMessage) error
	// FindVisitEncounter returns the encounter an interface already made
	// for a visit number, or ENOTFOUND; SaveVisitEncounter records it.
	FindVisitEncounter(ctx context.Context, kind, visit string) (int64, error)
	SaveVisitEncounter(ctx context.Context, kind, visit string, encounterID int64) error
}

// Guarantor relationships: who is responsible for the patient's bill.
const (
	GuarantorSelf     = "self"
	GuarantorParent   = "parent"
	GuarantorGuardian = "guardian"
	GuarantorOther    = "other"
)

// Guarantor is the person responsible for a patient's bill when it is not
// the patient (a parent for a child, a guardian): statements go to them.
type Guarantor struct {
	Relationship string  `json:"relationship"`
	FirstName    string  `json:"first_name"`
	LastName     string  `json:"last_name"`
	Address      Address `json:"address"`
	Phone        string  `json:"phone,omitempty"`
}

func (g *Guarantor) validate(v *validator) {
	switch g.Relationship {
	case GuarantorSelf:
		v.check(g.FirstName == "" && g.LastName == "", "guarantor", "a guarantor of relationship self is the patient: leave the name out (or leave guarantor out).")
		return
	case GuarantorParent, GuarantorGuardian, GuarantorOther:
	default:
		v.check(false, "guarantor.relationship", "guarantor.relationship must be self, parent, guardian or other.")
	}
	v.required(g.FirstName, "guarantor.first_name")
	v.text(g.FirstName, "guarantor.first_name", 35)
	v.required(g.LastName, "guarantor.last_name")
	v.text(g.LastName, "guarantor.last_name", 60)
	g.Address.validate(v, "guarantor.address")
	v.check(g.Phone == "" || (len(g.Phone) == 10 && allDigits(g.Phone)), "guarantor.phone", "guarantor.phone must be 10 digits.")
}

// Responsible returns whom a patient's statement is addressed to: the
// guarantor when one other than the patient is set, else the patient.
func (p *Patient) Responsible() (name string, addr Address) {
	if g := p.Guarantor; g != nil && g.Relationship != GuarantorSelf {
		return g.FirstName + " " + g.LastName, g.Address
	}
	return p.FirstName + " " + p.LastName, p.Address
}
