package rcm

import (
	"context"
	"slices"
	"time"
)

// Sex as the 837P DMG03 carries it.
const (
	SexFemale  = "F"
	SexMale    = "M"
	SexUnknown = "U"
)

// Sexes are the administrative sex codes (DMG03), in the order a form
// offers them.
var Sexes = []string{SexFemale, SexMale, SexUnknown}

// Patient is a person who receives care. Patient data is PHI: every read and
// change of it is written to the audit log by the store.
type Patient struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"-"`
	// AccountNumber is the practice's account number for the patient; claims
	// derive their patient control number (CLM01) from it.
	AccountNumber string  `json:"account_number"`
	FirstName     string  `json:"first_name"`
	MiddleName    string  `json:"middle_name,omitempty"`
	LastName      string  `json:"last_name"`
	BirthDate     Date    `json:"birth_date"`
	Sex           string  `json:"sex"`
	Address       Address `json:"address"`
	Phone         string  `json:"phone,omitempty"`
	// Guarantor is who pays the patient's bill when not the patient.
	Guarantor *Guarantor `json:"guarantor,omitempty"`
}

// EarliestBirthDate is the earliest birth date accepted for a patient or
// a subscriber: no one living was born before it, so an earlier date is a
// typing mistake (1900 for 1990) or a placeholder, and payers reject it.
var EarliestBirthDate = Date{Year: 1900, Month: time.January, Day: 1}

// birthDate checks a required birth date against the calendar: not before
// EarliestBirthDate and not after today, the caller's clock's date (9999-
// 12-31 is a placeholder, not a birth date).
func (v *validator) birthDate(d Date, field string, today Date) {
	switch {
	case d.IsZero():
		v.check(false, field, "%s is required (YYYY-MM-DD).", field)
	case d.Before(EarliestBirthDate):
		v.check(false, field, "%s %s is before %s; check the year.", field, d, EarliestBirthDate)
	case d.After(today):
		v.check(false, field, "%s %s is in the future (today is %s).", field, d, today)
	}
}

// Validate checks a patient's demographics as of today, the date of the
// clock the caller runs on (a birth date may not be after it).
func (p *Patient) Validate(today Date) error {
	v := &validator{}
	v.check(len(p.AccountNumber) >= 1 && len(p.AccountNumber) <= 20 && printableNoDelims(p.AccountNumber), "account_number", "account_number must be 1 to 20 printable characters (CLM01 allows 38; OpenRCM keeps room for a claim suffix).")
	v.required(p.FirstName, "first_name")
	v.text(p.FirstName, "first_name", 35)
	v.text(p.MiddleName, "middle_name", 25)
	v.required(p.LastName, "last_name")
	v.text(p.LastName, "last_name", 60)
	v.birthDate(p.BirthDate, "birth_date", today)
	v.check(slices.Contains(Sexes, p.Sex), "sex", "sex must be F, M or U.")
	p.Address.validate(v, "address")
	v.check(p.Phone == "" || (len(p.Phone) == 10 && allDigits(p.Phone)), "phone", "phone must be 10 digits.")
	if p.Guarantor != nil {
		p.Guarantor.validate(v)
	}
	return v.result()
}

// PatientFilter narrows FindPatients.
type PatientFilter struct {
	// Name matches the start of the last or first name, case-insensitively.
	Name string
	// NameAnywhere makes Name match anywhere in the names: each word of
	// Name (split at spaces and commas) must appear in the last or the
	// first name, so "smi jo", "Smith, John" and "ohn" all find John Smith.
	NameAnywhere bool
	// PayerID, when set, keeps the patients with a coverage of this payer
	// (a payer row id), in any order.
	PayerID int64
	// BalanceDue keeps the patients whose open balance is above zero.
	BalanceDue bool
	// MemberID finds the patients with a coverage of this member ID,
	// ignoring case, spaces and dashes. It matches the whole ID, never a
	// part: member IDs are stored encrypted and found through a keyed hash.
	MemberID string
	// AccountNumber finds the patient with this account number, ignoring
	// case.
	AccountNumber string
	// BirthDate, when set, keeps the patients born that day.
	BirthDate Date
	// After, when set, starts the list after this patient in its order
	// (last name, first name, id): keyset paging, which stays right while
	// patients are added and costs the same on every page.
	After *Patient
	// IDs, when given, limits the list to these patients: a screen that
	// shows many rows reads their patients in one audited list read.
	IDs    []int64
	Limit  int
	Offset int
}

// Relationship codes of the patient to the subscriber (837P SBR02 and
// PAT01): 18 means the patient is the subscriber.
var Relationships = map[string]string{
	"18": "self", "01": "spouse", "19": "child", "20": "employee", "21": "unknown",
	"39": "organ donor", "40": "cadaver donor", "53": "life partner", "G8": "other relationship",
}

// Coverage is a patient's insurance with one payer, in a coordination-of-
// benefits order (1 primary, 2 secondary, 3 tertiary).
type Coverage struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"-"`
	PatientID   int64  `json:"patient_id"`
	PayerID     int64  `json:"payer_id"`
	Order       int    `json:"order"`
	MemberID    string `json:"member_id"`
	GroupNumber string `json:"group_number,omitempty"`
	// Relationship is the patient's relationship to the subscriber (SBR02).
	Relationship string `json:"relationship"`
	// Subscriber is the insured person when it is not the patient.
	Subscriber    *Subscriber `json:"subscriber,omitempty"`
	EffectiveFrom Date        `json:"effective_from"`
	// EffectiveTo is the last day covered; the zero Date means open-ended.
	EffectiveTo Date `json:"effective_to,omitzero"`
	// InsuranceType is the Medicare Secondary Payer type (837P SBR05),
	// which Medicare requires when it is billed after another payer: why
	// that payer is primary. Empty otherwise.
	InsuranceType string `json:"insurance_type,omitempty"`
}

// MedicareSecondaryTypes are the 837P SBR05 insurance type codes that say
// why Medicare is not the primary payer (005010X222A1, loop 2000B SBR05).
var MedicareSecondaryTypes = map[string]string{
	"12": "working aged beneficiary or spouse with an employer group health plan",
	"13": "end-stage renal disease beneficiary in the coordination period with an employer group health plan",
	"14": "no-fault insurance, including auto",
	"15": "workers' compensation",
	"16": "public health service or other federal agency",
	"41": "black lung",
	"42": "veterans administration",
	"43": "disabled beneficiary under 65 with a large group health plan",
	"47": "other liability insurance",
}

// Subscriber is the insured person of a coverage held by someone other than
// the patient (837P loop 2010BA when the patient is a dependent).
type Subscriber struct {
	FirstName string  `json:"first_name"`
	LastName  string  `json:"last_name"`
	BirthDate Date    `json:"birth_date"`
	Sex       string  `json:"sex"`
	Address   Address `json:"address"`
}

// Validate checks a coverage as of today (the subscriber's birth date may
// not be after it).
func (c *Coverage) Validate(today Date) error {
	v := &validator{}
	v.check(c.PatientID > 0, "patient_id", "patient_id is required.")
	v.check(c.PayerID > 0, "payer_id", "payer_id is required.")
	v.check(c.Order >= 1 && c.Order <= 3, "order", "order must be 1 (primary), 2 (secondary) or 3 (tertiary).")
	v.check(ValidMemberID(c.MemberID), "member_id", "member_id must be 2 to 80 printable characters without * ~ : ^.")
	v.text(c.GroupNumber, "group_number", 50)
	if c.InsuranceType != "" {
		_, ok := MedicareSecondaryTypes[c.InsuranceType]
		v.check(ok, "insurance_type", "insurance_type %q is not a Medicare Secondary Payer type (12 working aged, 13 ESRD, 14 no-fault, 15 workers' compensation, 16 federal agency, 41 black lung, 42 VA, 43 disabled, 47 other liability).", c.InsuranceType)
		v.check(c.Order > 1, "insurance_type", "insurance_type says why Medicare is secondary; a primary coverage has none.")
	}
	_, ok := Relationships[c.Relationship]
	v.check(ok, "relationship", "relationship %q is not a patient relationship code (18 self, 01 spouse, 19 child, G8 other ...).", c.Relationship)
	if c.Relationship == "18" {
		v.check(c.Subscriber == nil, "subscriber", "subscriber must be empty when the patient is the subscriber (relationship 18).")
	} else if ok {
		v.check(c.Subscriber != nil, "subscriber", "subscriber is required when the patient is not the subscriber.")
		if s := c.Subscriber; s != nil {
			v.required(s.FirstName, "subscriber.first_name")
			v.text(s.FirstName, "subscriber.first_name", 35)
			v.required(s.LastName, "subscriber.last_name")
			v.text(s.LastName, "subscriber.last_name", 60)
			v.birthDate(s.BirthDate, "subscriber.birth_date", today)
			v.check(slices.Contains(Sexes, s.Sex), "subscriber.sex", "subscriber.sex must be F, M or U.")
			s.Address.validate(v, "subscriber.address")
		}
	}
	v.check(!c.EffectiveFrom.IsZero(), "effective_from", "effective_from is required.")
	v.check(c.EffectiveTo.IsZero() || !c.EffectiveTo.Before(c.EffectiveFrom), "effective_to", "effective_to is before effective_from.")
	return v.result()
}

// ActiveOn reports whether the coverage is in force on d.
func (c *Coverage) ActiveOn(d Date) bool {
	return !d.Before(c.EffectiveFrom) && (c.EffectiveTo.IsZero() || !d.After(c.EffectiveTo))
}

// PatientService manages patients and their coverages. Implementations
// audit every read and change.
type PatientService interface {
	CreatePatient(ctx context.Context, p *Patient) error
	FindPatientByID(ctx context.Context, id int64) (*Patient, error)
	FindPatients(ctx context.Context, f PatientFilter) ([]*Patient, error)
	UpdatePatient(ctx context.Context, p *Patient) error

	CreateCoverage(ctx context.Context, c *Coverage) error
	FindCoverageByID(ctx context.Context, id int64) (*Coverage, error)
	FindCoverages(ctx context.Context, patientID int64) ([]*Coverage, error)
	UpdateCoverage(ctx context.Context, c *Coverage) error
}
