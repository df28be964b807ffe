package payer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/jsondup"
)

// Config is the sandbox's whole world: the payers it plays, their
// contracts and denial rules, and the member file. It is read from one
// JSON file so a trainer or a test can see and change every rule.
type Config struct {
	// BaseSchedules are named fee schedules (code or code:modifier to the
	// allowed amount for one unit) that contracts price from by a
	// percentage, as payers price from a Medicare-like base.
	BaseSchedules map[string]map[string]rcm.Money `json:"base_schedules,omitempty"`
	// ServiceTypes sort procedure codes into the X12 service type codes
	// (270/271 EQ01 and EB03, e.g. 98 professional physician visit -
	// office, 86 emergency services) that copays are set by.
	ServiceTypes []ServiceType `json:"service_types,omitempty"`
	Payers       []*Payer      `json:"payers"`
	Members      []*Member     `json:"members"`
}

// ServiceType names the procedures of one X12 service type code.
type ServiceType struct {
	Code       string   `json:"code"`
	Name       string   `json:"name,omitempty"`
	Procedures []string `json:"procedures"` // codes or ranges "99202-99215"
}

// Address is a postal address as N3/N4 carry it.
type Address struct {
	Line  string `json:"line"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// Payer is one payer the sandbox plays. It answers the claims whose
// 837P loop 2010BB NM109 (payer identifier) equals ID.
type Payer struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Address Address `json:"address"`
	// TIN is the payer's tax id; the 835 TRN03 is "1" followed by it.
	TIN string `json:"tin"`
	// Phone is the payer's provider-services number (835 1000A PER*BL).
	Phone string `json:"phone"`
	// FilingIndicator is the claim filing indicator the 835 reports in
	// CLP06 (MB Medicare Part B, MC Medicaid, 12 PPO...).
	FilingIndicator string   `json:"filing_indicator"`
	Contract        Contract `json:"contract"`
	// TimelyFilingDays is how many days after the date of service a claim
	// may arrive; zero means no limit.
	TimelyFilingDays int     `json:"timely_filing_days"`
	Payment          Payment `json:"payment"`
	// PLB are provider-level adjustments added to each 835 the payer
	// sends (835 PLB segment), such as an interest payment or a
	// recovery of an earlier overpayment.
	PLB []PLB `json:"plb,omitempty"`
	// COB is how the payer pays as secondary: "standard",
	// "carve-out" or "non-duplication".
	COB string `json:"cob"`
	// RejectUnknownMembers makes the front end reject a claim for an
	// unknown member on the 277CA (A3, status 33) instead of denying it on
	// the 835 (CO-31), as many government payers do.
	RejectUnknownMembers bool   `json:"reject_unknown_members,omitempty"`
	Rules                []Rule `json:"rules,omitempty"`
	// OverturnOnAppeal names the denial rules (built-in ids such as
	// coverage-inactive, or a configured rule's id) whose denials this
	// payer overturns when the provider appeals: the claim is reversed and
	// adjudicated again without that rule, in the next payment cycle.
	OverturnOnAppeal []string `json:"overturn_on_appeal,omitempty"`
}

// Contract prices services for one payer: a fee schedule of its own,
// else a percentage of a base schedule, else a percentage of the charge.
type Contract struct {
	// Fees maps "99213" or "99213:25" to the allowed amount for one unit.
	Fees map[string]rcm.Money `json:"fees,omitempty"`
	// Base names a schedule of Config.BaseSchedules; BasePercent of it
	// is allowed for codes not in Fees.
	Base        string  `json:"base,omitempty"`
	BasePercent Percent `json:"base_percent,omitempty"`
	// ChargePercent allows this share of the billed charge for codes in
	// no schedule; zero means such codes are not covered (CO-96).
	ChargePercent Percent `json:"charge_percent,omitempty"`
	// MultipleProcedure reduces the second and later ranked procedures
	// of one claim (CARC 59).
	MultipleProcedure *MultipleProcedure `json:"multiple_procedure,omitempty"`
	// Modifiers price a code billed with a modifier as a percentage of
	// its fee, e.g. "50": 150 (bilateral), "80": 16 (assistant surgeon).
	Modifiers map[string]Percent `json:"modifiers,omitempty"`
	// Institutional prices 837I claims; without it they are priced as
	// professional claims by their HCPCS or revenue codes.
	Institutional *InstitutionalContract `json:"institutional,omitempty"`
}

// MultipleProcedure is a multiple-procedure reduction: the procedures of
// Codes on one claim are ranked by allowed amount and paid at
// Percents[0], Percents[1], ...; the last percentage repeats.
type MultipleProcedure struct {
	Codes    []string  `json:"codes"`
	Percents []Percent `json:"percents"`
}

// Payment says how the payer pays: check or ACH, with the bank details
// BPR carries for ACH.
type Payment struct {
	Method string `json:"method"` // CHK or ACH
	// PayerRouting and PayerAccount are the sending bank (BPR07, BPR09).
	PayerRouting string `json:"payer_routing,omitempty"`
	PayerAccount string `json:"payer_account,omitempty"`
	// PayeeRouting and PayeeAccount are the receiving bank (BPR13, BPR15).
	PayeeRouting string `json:"payee_routing,omitempty"`
	PayeeAccount string `json:"payee_account,omitempty"`
}

// PLB is one provider-level adjustment (835 PLB03-1 reason code, e.g. L6
// interest, WO overpayment recovery, with a reference and an amount;
// positive amounts reduce the payment).
type PLB struct {
	Code      string    `json:"code"`
	Reference string    `json:"reference"`
	Amount    rcm.Money `json:"amount"`
}

// Rule kinds a payer can configure; the other denial rules are built in.
const (
	RuleBundle     = "bundle"     // CO-97: Codes not paid on the same date as With
	RuleNecessity  = "necessity"  // CO-50: Codes need a diagnosis starting with one of Diagnoses
	RuleNonCovered = "noncovered" // CO-96: Codes not covered, with Remark
	RuleFrequency  = "frequency"  // CO-119: Codes at most Max units per PeriodDays
)

// Rule is one configured denial rule. Its ID is reported with the
// adjudication so a trainer can see which rule fired.
type Rule struct {
	ID    string   `json:"id"`
	Kind  string   `json:"kind"`
	Codes []string `json:"codes"`
	// With are the comprehensive codes of a bundle rule.
	With []string `json:"with,omitempty"`
	// Bypass are modifiers that let a bundled code be paid (59, XU...).
	Bypass []string `json:"bypass,omitempty"`
	// Diagnoses are the ICD-10-CM prefixes a necessity rule accepts.
	Diagnoses []string `json:"diagnoses,omitempty"`
	// Remark is the RARC sent with the denial (LQ*HE); a default fits
	// each kind.
	Remark     string `json:"remark,omitempty"`
	Max        int    `json:"max,omitempty"`
	PeriodDays int    `json:"period_days,omitempty"`
}

// Member is one person in the member file.
type Member struct {
	Payer string `json:"payer"`
	ID    string `json:"id"`
	// SubscriberID is set for a dependent: claims and 270s name the
	// subscriber's ID with the dependent as patient.
	SubscriberID string   `json:"subscriber_id,omitempty"`
	Last         string   `json:"last"`
	First        string   `json:"first"`
	BirthDate    rcm.Date `json:"birth_date"`
	Sex          string   `json:"sex"`
	Group        string   `json:"group,omitempty"`
	Plan         string   `json:"plan,omitempty"`
	PlanBegin    rcm.Date `json:"plan_begin"`
	PlanEnd      rcm.Date `json:"plan_end,omitzero"`
	// PlanYearMonth is the month the plan year (and its deductible and
	// out-of-pocket accumulators) starts; zero means January.
	PlanYearMonth int `json:"plan_year_month,omitempty"`
	// OtherPayerPrimary names another payer that pays first; claims
	// without that payer's adjudication (837P loop 2320) are denied CO-22.
	OtherPayerPrimary string   `json:"other_payer_primary,omitempty"`
	Benefits          Benefits `json:"benefits"`
}

// Benefits are a member's cost sharing for a plan year.
type Benefits struct {
	Deductible  rcm.Money `json:"deductible"`
	Coinsurance Percent   `json:"coinsurance"`
	// OOPMax caps the patient's deductible, coinsurance and copays in a
	// plan year; zero means no cap.
	OOPMax rcm.Money `json:"oop_max,omitempty"`
	// Copays by service type code (ServiceType.Code), once per claim;
	// a service with a copay is not subject to deductible or coinsurance.
	Copays map[string]rcm.Money `json:"copays,omitempty"`
}

// Percent is a rate in hundredths of a percent, so 20% is 2000 and 72.5%
// is 7250; it is read from JSON as a decimal number and never touches a
// float.
type Percent int64

// UnmarshalJSON reads a decimal number such as 20 or 72.5 (a JSON number
// or string) with at most two decimal places.
func (p *Percent) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return fmt.Errorf("percent %s: want a number with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseUint(whole, 10, 32)
	if err != nil {
		return fmt.Errorf("percent %s: %w", s, err)
	}
	f, err := strconv.ParseUint(frac, 10, 8)
	if err != nil {
		return fmt.Errorf("percent %s: %w", s, err)
	}
	*p = Percent(w*100 + f)
	return nil
}

// MarshalJSON writes the percentage as a JSON number (20, 72.5).
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// String writes the percentage without trailing zeros: 72.5, 20.
func (p Percent) String() string {
	s := strconv.FormatInt(int64(p)/100, 10)
	if f := int64(p) % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s
}

// Of returns p of m rounded to the nearest cent (halves away from zero).
func (p Percent) Of(m rcm.Money) rcm.Money {
	v := int64(m) * int64(p)
	if v >= 0 {
		return rcm.Money((v + 5000) / 10000)
	}
	return rcm.Money(-((-v + 5000) / 10000))
}

// LoadConfig reads and checks a configuration file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load payer config: %w", err)
	}
	defer f.Close()
	c, err := ReadConfig(f)
	if err != nil {
		return nil, fmt.Errorf("load payer config %s: %w", path, err)
	}
	return c, nil
}

// ReadConfig decodes and checks a configuration; unknown fields and keys
// given twice are errors so a misspelt or repeated rule is not silently
// ignored.
func ReadConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read payer config: %w", err)
	}
	var dup *jsondup.Error
	if err := jsondup.Check(data); errors.As(err, &dup) {
		return nil, rcm.FieldErrorf(rcm.EINVALID, dup.Path, "The payer configuration has a %s at %s.", dup, dup.Path)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "The payer configuration is not valid JSON: %s.", strings.TrimSuffix(err.Error(), "."))
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) check() error {
	bad := func(field, format string, args ...any) error {
		return rcm.FieldErrorf(rcm.EINVALID, field, format, args...)
	}
	if len(c.Payers) == 0 {
		return bad("payers", "The configuration has no payers.")
	}
	ids := map[string]bool{}
	for i, p := range c.Payers {
		f := fmt.Sprintf("payers[%d]", i)
		if p.ID == "" || p.Name == "" {
			return bad(f, "Each payer needs an id (the 837P 2010BB NM109 it answers) and a name.")
		}
		if ids[p.ID] {
			return bad(f, "Payer id %q appears twice.", p.ID)
		}
		ids[p.ID] = true
		if len(p.TIN) != 9 || !digits(p.TIN) {
			return bad(f+".tin", "Payer %s needs a 9-digit tax id for the 835 TRN03.", p.ID)
		}
		switch p.Payment.Method {
		case "CHK":
		case "ACH":
			for _, s := range []string{p.Payment.PayerRouting, p.Payment.PayeeRouting} {
				if len(s) != 9 || !digits(s) {
					return bad(f+".payment", "Payer %s pays by ACH and needs 9-digit payer and payee routing numbers.", p.ID)
				}
			}
			if p.Payment.PayerAccount == "" || p.Payment.PayeeAccount == "" {
				return bad(f+".payment", "Payer %s pays by ACH and needs payer and payee account numbers.", p.ID)
			}
		default:
			return bad(f+".payment.method", "Payer %s: payment method %q is not CHK or ACH.", p.ID, p.Payment.Method)
		}
		switch p.COB {
		case "", COBStandard, COBCarveOut, COBNonDuplication:
		default:
			return bad(f+".cob", "Payer %s: COB method %q is not standard, carve-out or non-duplication.", p.ID, p.COB)
		}
		if b := p.Contract.Base; b != "" && c.BaseSchedules[b] == nil {
			return bad(f+".contract.base", "Payer %s prices from base schedule %q, which is not defined.", p.ID, b)
		}
		if mp := p.Contract.MultipleProcedure; mp != nil && len(mp.Percents) == 0 {
			return bad(f+".contract.multiple_procedure", "Payer %s: a multiple-procedure reduction needs percents.", p.ID)
		}
		for _, pl := range p.PLB {
			if !plbCodes[pl.Code] || pl.Reference == "" {
				return bad(f+".plb", "Payer %s: PLB code %q is not one the sandbox sends, or the reference is empty.", p.ID, pl.Code)
			}
		}
		rids := map[string]bool{}
		for j, r := range p.Rules {
			rf := fmt.Sprintf("%s.rules[%d]", f, j)
			if r.ID == "" || rids[r.ID] {
				return bad(rf, "Payer %s: each rule needs a unique id.", p.ID)
			}
			rids[r.ID] = true
			if len(r.Codes) == 0 {
				return bad(rf, "Rule %s needs codes.", r.ID)
			}
			switch r.Kind {
			case RuleBundle:
				if len(r.With) == 0 {
					return bad(rf, "Bundle rule %s needs the comprehensive codes in with.", r.ID)
				}
			case RuleNecessity:
				if len(r.Diagnoses) == 0 {
					return bad(rf, "Necessity rule %s needs diagnosis prefixes.", r.ID)
				}
			case RuleNonCovered:
			case RuleFrequency:
				if r.Max <= 0 || r.PeriodDays <= 0 {
					return bad(rf, "Frequency rule %s needs a positive max and period_days.", r.ID)
				}
			default:
				return bad(rf, "Rule %s: kind %q is not bundle, necessity, noncovered or frequency.", r.ID, r.Kind)
			}
		}
	}
	seen := map[string]bool{}
	for i, m := range c.Members {
		f := fmt.Sprintf("members[%d]", i)
		if !ids[m.Payer] {
			return bad(f+".payer", "Member %q belongs to payer %q, which is not configured.", m.ID, m.Payer)
		}
		if m.ID == "" || m.Last == "" || m.BirthDate.IsZero() || m.PlanBegin.IsZero() {
			return bad(f, "Each member needs an id, a last name, a birth date and a plan begin date.")
		}
		k := m.Payer + "/" + m.ID + "/" + m.SubscriberID
		if seen[k] {
			return bad(f, "Member %s of payer %s appears twice.", m.ID, m.Payer)
		}
		seen[k] = true
		if m.PlanYearMonth < 0 || m.PlanYearMonth > 12 {
			return bad(f+".plan_year_month", "Member %s: plan year month must be 1 to 12.", m.ID)
		}
		if m.Benefits.Coinsurance > 10000 {
			return bad(f+".benefits.coinsurance", "Member %s: coinsurance over 100%%.", m.ID)
		}
	}
	return nil
}

// plbCodes are the PLB03-1 adjustment reason codes the sandbox may be
// configured to send (835 guide, PLB03-1): L6 interest, WO overpayment
// recovery, FB forward balance, CS adjustment, 72 authorized return.
var plbCodes = map[string]bool{"L6": true, "WO": true, "FB": true, "CS": true, "72": true}

// PayerByID returns the payer answering to an 837P 2010BB NM109.
func (c *Config) PayerByID(id string) *Payer {
	for _, p := range c.Payers {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// ServiceTypeOf returns the service type code of a procedure, or "" when
// no configured type lists it.
func (c *Config) ServiceTypeOf(code string) string {
	for _, st := range c.ServiceTypes {
		if codeIn(code, st.Procedures) {
			return st.Code
		}
	}
	return ""
}

// codeIn reports whether code is in a list of codes and ranges
// ("99202-99205"); ranges compare codes of equal length as text, which
// orders CPT and HCPCS codes correctly.
func codeIn(code string, list []string) bool {
	for _, c := range list {
		if lo, hi, ok := strings.Cut(c, "-"); ok {
			if len(lo) == len(code) && len(hi) == len(code) && code >= lo && code <= hi {
				return true
			}
		} else if c == code {
			return true
		}
	}
	return false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sortedKeys returns the keys of a map in order, for repeatable output.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
