package hl7

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
)

// setup is the practice's configuration a message is matched against,
// read once per batch of messages.
type setup struct {
	practices  []*rcm.Practice
	providers  []*rcm.Provider
	facilities []*rcm.Facility
	payers     []*rcm.Payer
}

func (rc *Receiver) loadSetup(ctx context.Context) (*setup, error) {
	s := &setup{}
	var err error
	if s.practices, err = rc.Store.FindPractices(ctx); err != nil {
		return nil, err
	}
	if s.providers, err = rc.Store.FindProviders(ctx); err != nil {
		return nil, err
	}
	if s.facilities, err = rc.Store.FindFacilities(ctx); err != nil {
		return nil, err
	}
	if s.payers, err = rc.Store.FindPayers(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// batch is what the messages sharing one transaction read once: the
// practice's setup, and the patients their PID-3 names.
type batch struct {
	setup *setup
	// patients are by upper-case account number; looked marks the numbers
	// looked up, so a number looked up and absent is known to be new.
	patients map[string]*rcm.Patient
	looked   map[string]bool
}

// loadBatch reads the setup and, in one query per thousand, the patients
// the messages name.
func (rc *Receiver) loadBatch(ctx context.Context, msgs []*Message) (*batch, error) {
	s, err := rc.loadSetup(ctx)
	if err != nil {
		return nil, err
	}
	b := &batch{setup: s, patients: map[string]*rcm.Patient{}, looked: map[string]bool{}}
	var accts []string
	for _, m := range msgs {
		if m == nil || rc.applier(m.Type()) == nil {
			continue
		}
		if pid := m.Segment("PID"); pid != nil {
			if key := strings.ToUpper(mrn(pid)); key != "" && !b.looked[key] {
				b.looked[key] = true
				accts = append(accts, key)
			}
		}
	}
	for start := 0; start < len(accts); start += 1000 {
		found, err := rc.Store.FindPatientsByAccount(ctx, accts[start:min(start+1000, len(accts))])
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			// Two numbers differing only in case: the first in name
			// order, as FindPatients would answer.
			if key := strings.ToUpper(p.AccountNumber); b.patients[key] == nil {
				b.patients[key] = p
			}
		}
	}
	return b, nil
}

// remember keeps the patient an applied message found or made, for the
// batch's later messages.
func (b *batch) remember(p *rcm.Patient) {
	if p == nil {
		return
	}
	key := strings.ToUpper(p.AccountNumber)
	b.patients[key], b.looked[key] = p, true
}

// applier applies one message inside its transaction.
type applier struct {
	rc          *Receiver
	msg         *Message
	setup       *setup
	batch       *batch
	found       *rcm.Patient // the patient found or made, for the batch
	patientID   int64
	encounterID int64
}

func (rc *Receiver) applier(typ string) func(*applier, context.Context) error {
	switch typ {
	case "ADT^A04", "ADT^A08", "ADT^A01", "ADT^A28", "ADT^A31":
		return (*applier).adt
	case "DFT^P03":
		return (*applier).dft
	}
	return nil
}

// fieldErr is a validation error naming an HL7 location.
func fieldErr(loc, format string, args ...any) error {
	return rcm.FieldErrorf(rcm.EINVALID, loc, format, args...)
}

// adt registers or updates the patient of PID, their coverages (IN1/IN2,
// in order) and guarantor (GT1).
func (a *applier) adt(ctx context.Context) error {
	if a.msg.Segment("PV1") == nil {
		return fieldErr("PV1", "PV1 (patient visit) is required in an ADT message.")
	}
	p, err := a.patient(ctx, true)
	if err != nil {
		return err
	}
	return a.coverages(ctx, p)
}

// patient reads PID (and GT1) and creates or updates the patient with that
// account number. When update is false (a DFT), an existing patient is only
// found, and an unknown one registered from PID.
func (a *applier) patient(ctx context.Context, update bool) (*rcm.Patient, error) {
	pid := a.msg.Segment("PID")
	if pid == nil {
		return nil, fieldErr("PID", "PID (patient identification) is required.")
	}
	acct := mrn(pid)
	if acct == "" {
		return nil, fieldErr("PID-3", "PID-3 (patient identifier, the MRN) is required: it is the patient's account number.")
	}
	var p *rcm.Patient
	if key := strings.ToUpper(acct); a.batch != nil && a.batch.looked[key] {
		if found := a.batch.patients[key]; found != nil {
			// A copy: this message may still fail, and the batch must
			// keep the patient as stored.
			cp := *found
			p = &cp
		}
	} else {
		found, err := a.rc.Store.FindPatients(ctx, rcm.PatientFilter{AccountNumber: acct, Limit: 2})
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			p = found[0]
		}
	}
	var err error
	if p != nil {
		if !update {
			// A charge message names a registered patient; demographics
			// change through ADT, not through a DFT's PID.
			a.patientID, a.found = p.ID, p
			return p, nil
		}
	} else {
		p = &rcm.Patient{AccountNumber: acct}
	}
	p.LastName, p.FirstName, p.MiddleName = pid.Value(5, 1), pid.Value(5, 2), pid.Value(5, 3)
	if p.BirthDate, err = date(pid.Value(7, 1), "PID-7"); err != nil {
		return nil, err
	}
	p.Sex = sex(pid.Value(8, 1))
	p.Address = address(pid, 11)
	p.Phone = phone(pid.Value(13, 1))
	if gt := a.msg.Segment("GT1"); gt != nil {
		if p.Guarantor, err = guarantor(gt); err != nil {
			return nil, err
		}
	}
	if p.ID == 0 {
		err = a.rc.Store.CreatePatient(ctx, p)
	} else {
		err = a.rc.Store.UpdatePatient(ctx, p)
	}
	if err != nil {
		return nil, locate(err, patientFields)
	}
	a.patientID, a.found = p.ID, p
	return p, nil
}

// mrn is the patient's identifier from PID-3: the repetition typed MR
// (CX-5), else the first; PID-2 (external id) for senders of v2.3.
func mrn(pid *Segment) string {
	for r := 0; r < pid.Reps(3); r++ {
		if pid.Get(3, r, 5, 1) == "MR" {
			return strings.TrimSpace(pid.Get(3, r, 1, 1))
		}
	}
	if v := strings.TrimSpace(pid.Value(3, 1)); v != "" {
		return v
	}
	return strings.TrimSpace(pid.Value(2, 1))
}

// patientFields maps the domain's field names to PID locations for ERR-2.
var patientFields = map[string]string{
	"account_number": "PID-3", "first_name": "PID-5", "middle_name": "PID-5", "last_name": "PID-5",
	"birth_date": "PID-7", "sex": "PID-8", "address": "PID-11", "phone": "PID-13", "guarantor": "GT1",
}

// locate rewrites a domain validation error's field into the HL7 location
// it came from, keeping the message.
func locate(err error, fields map[string]string) error {
	f := rcm.ErrorField(err)
	if f == "" {
		return err
	}
	for key, loc := range fields {
		if f == key || strings.HasPrefix(f, key+".") || strings.HasPrefix(f, key+"[") {
			return rcm.FieldErrorf(rcm.ErrorCode(err), loc, "%s: %s", loc, rcm.ErrorMessage(err))
		}
	}
	return err
}

// date reads an HL7 DT/DTM (YYYYMMDD[HHMM[SS]]...) as a date.
func date(v, loc string) (rcm.Date, error) {
	if v == "" {
		return rcm.Date{}, nil
	}
	if len(v) < 8 {
		return rcm.Date{}, fieldErr(loc, "%s %q is not a date (YYYYMMDD).", loc, v)
	}
	t, err := time.Parse("20060102", v[:8])
	if err != nil {
		return rcm.Date{}, fieldErr(loc, "%s %q is not a date (YYYYMMDD).", loc, v)
	}
	return rcm.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// sex maps administrative sex (table 0001) onto the 837P's F, M, U.
func sex(v string) string {
	switch strings.ToUpper(v) {
	case "F", "M":
		return strings.ToUpper(v)
	}
	return rcm.SexUnknown
}

// address reads an XAD field: street^other^city^state^zip.
func address(s *Segment, field int) rcm.Address {
	return rcm.Address{
		Line1: s.Value(field, 1), Line2: s.Value(field, 2), City: s.Value(field, 3),
		State: strings.ToUpper(s.Value(field, 4)), ZIP: strings.ReplaceAll(s.Value(field, 5), "-", ""),
	}
}

// phone keeps the ten digits of a US number ("(217) 555-0143").
func phone(v string) string {
	var b strings.Builder
	for _, c := range v {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return ""
	}
	return d
}

// guarantor reads GT1: name (GT1-3), address (GT1-5), phone (GT1-6) and
// relationship to the patient (GT1-11, table 0063).
func guarantor(gt *Segment) (*rcm.Guarantor, error) {
	rel := strings.ToUpper(gt.Value(11, 1))
	g := &rcm.Guarantor{FirstName: gt.Value(3, 2), LastName: gt.Value(3, 1), Address: address(gt, 5), Phone: phone(gt.Value(6, 1))}
	switch rel {
	case "SEL", "":
		return &rcm.Guarantor{Relationship: rcm.GuarantorSelf}, nil
	case "PAR", "MTH", "FTH", "PRN":
		g.Relationship = rcm.GuarantorParent
	case "GRD", "WRD":
		g.Relationship = rcm.GuarantorGuardian
	default:
		g.Relationship = rcm.GuarantorOther
	}
	return g, nil
}

// relationships maps IN1-17 (table 0063) onto the 837P SBR02 codes; X12
// codes are accepted as they are.
var relationships = map[string]string{
	"SEL": "18", "SPO": "01", "CHD": "19", "EME": "20", "DOM": "53", "OTH": "G8", "UNK": "21",
	"PAR": "G8", "GRD": "G8", "SIB": "G8", "FCH": "19", "SCH": "19", "ASC": "G8",
}

// coverages reads IN1 (with its IN2) segments in order. Each becomes the
// coverage of its order (IN1-22, else its position): an existing coverage
// of that order is updated, so a resent registration does not duplicate.
func (a *applier) coverages(ctx context.Context, p *rcm.Patient) error {
	var ins []*Segment
	for _, s := range a.msg.Segments {
		if s.Name == "IN1" {
			ins = append(ins, s)
		}
	}
	if len(ins) == 0 {
		return nil
	}
	existing, err := a.rc.Store.FindCoverages(ctx, p.ID)
	if err != nil {
		return err
	}
	for i, in := range ins {
		loc := func(f int) string { return fmt.Sprintf("IN1-%d", f) }
		order := i + 1
		if v := in.Value(22, 1); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 3 {
				return fieldErr(loc(22), "IN1-22 (coordination of benefits priority) %q must be 1, 2 or 3.", v)
			}
			order = n
		}
		payer := a.setup.payer(in.Value(3, 1), in.Value(4, 1))
		if payer == nil {
			return fieldErr(loc(3), "IN1-3 insurance company %q (%s) is not a payer of this practice; add it or fix its payer ID.", in.Value(3, 1), in.Value(4, 1))
		}
		c := &rcm.Coverage{PatientID: p.ID, PayerID: payer.ID, Order: order}
		for _, e := range existing {
			if e.Order == order {
				c.ID = e.ID
			}
		}
		c.MemberID = in.Value(36, 1)
		if c.MemberID == "" {
			c.MemberID = in.Value(2, 1)
		}
		c.GroupNumber = in.Value(8, 1)
		if c.EffectiveFrom, err = date(in.Value(12, 1), loc(12)); err != nil {
			return err
		}
		if c.EffectiveTo, err = date(in.Value(13, 1), loc(13)); err != nil {
			return err
		}
		rel := strings.ToUpper(in.Value(17, 1))
		if rel == "" {
			rel = "SEL"
		}
		if code, ok := relationships[rel]; ok {
			c.Relationship = code
		} else {
			c.Relationship = rel
		}
		if c.Relationship != "18" {
			sub := &rcm.Subscriber{LastName: in.Value(16, 1), FirstName: in.Value(16, 2), Sex: sex(in.Value(43, 1)), Address: address(in, 19)}
			if sub.BirthDate, err = date(in.Value(18, 1), loc(18)); err != nil {
				return err
			}
			c.Subscriber = sub
		}
		if c.ID == 0 {
			err = a.rc.Store.CreateCoverage(ctx, c)
		} else {
			err = a.rc.Store.UpdateCoverage(ctx, c)
		}
		if err != nil {
			return locate(err, map[string]string{
				"payer_id": loc(3), "order": loc(22), "member_id": loc(36), "group_number": loc(8), "relationship": loc(17),
				"subscriber.birth_date": loc(18), "subscriber.address": loc(19), "subscriber": loc(16), "effective_from": loc(12), "effective_to": loc(13),
			})
		}
	}
	return nil
}

// payer finds a payer by its payer ID at the clearinghouse (IN1-3), else
// by name (IN1-4), ignoring case.
func (s *setup) payer(id, name string) *rcm.Payer {
	for _, p := range s.payers {
		if id != "" && strings.EqualFold(p.PayerID, id) {
			return p
		}
	}
	for _, p := range s.payers {
		if name != "" && strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

func (s *setup) providerByNPI(npi string) *rcm.Provider {
	for _, p := range s.providers {
		if p.NPI == npi {
			return p
		}
	}
	return nil
}
