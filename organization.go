package rcm

import (
	"context"
	"strings"
)

// Organization is a tenant: a practice group or a billing service. Every row
// in storage carries one, and every query is scoped to the caller's.
type Organization struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Address is a US postal address as the 837P N3/N4 segments carry it.
type Address struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	ZIP   string `json:"zip"`
}

// Validate checks a required address. prefix names the field in errors
// ("address", "subscriber.address").
func (a Address) validate(v *validator, prefix string) {
	v.required(a.Line1, prefix+".line1")
	v.text(a.Line1, prefix+".line1", 55)
	v.text(a.Line2, prefix+".line2", 55)
	v.required(a.City, prefix+".city")
	v.text(a.City, prefix+".city", 30)
	v.check(len(a.State) == 2 && isUpperAlpha(a.State), prefix+".state", "state must be a two-letter code such as FL.")
	_, ok := NormalizeZIP(a.ZIP)
	v.check(ok, prefix+".zip", "zip must be 5 or 9 digits.")
}

// Practice is a billing provider: the entity that bills and is paid
// (837P loop 2010AA).
type Practice struct {
	ID       int64   `json:"id"`
	OrgID    int64   `json:"-"`
	Name     string  `json:"name"`
	NPI      string  `json:"npi"`
	TIN      string  `json:"tin"`
	Taxonomy string  `json:"taxonomy"`
	Address  Address `json:"address"`
	Phone    string  `json:"phone,omitempty"`
}

// Validate checks the fields a claim cannot go out without.
func (p *Practice) Validate() error {
	v := &validator{}
	v.required(p.Name, "name")
	v.text(p.Name, "name", 60)
	v.check(ValidNPI(p.NPI), "npi", "npi %q is not a valid NPI (10 digits with a Luhn check digit).", p.NPI)
	tin, ok := NormalizeTIN(p.TIN)
	v.check(ok, "tin", "tin must be a 9-digit EIN such as 12-3456789.")
	if ok {
		p.TIN = tin
	}
	v.check(p.Taxonomy == "" || validTaxonomyFormat(p.Taxonomy), "taxonomy", "taxonomy must be a 10-character NUCC code such as 207Q00000X.")
	p.Address.validate(v, "address")
	v.check(p.Phone == "" || (len(p.Phone) == 10 && allDigits(p.Phone)), "phone", "phone must be 10 digits.")
	return v.result()
}

// Provider is a rendering provider: the clinician who performed the service
// (837P loop 2310B / 2420A).
type Provider struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"-"`
	PracticeID int64  `json:"practice_id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	NPI        string `json:"npi"`
	Taxonomy   string `json:"taxonomy"`
}

// Validate checks a provider's identity fields.
func (p *Provider) Validate() error {
	v := &validator{}
	v.check(p.PracticeID > 0, "practice_id", "practice_id is required.")
	v.required(p.FirstName, "first_name")
	v.text(p.FirstName, "first_name", 35)
	v.required(p.LastName, "last_name")
	v.text(p.LastName, "last_name", 60)
	v.check(ValidNPI(p.NPI), "npi", "npi %q is not a valid NPI (10 digits with a Luhn check digit).", p.NPI)
	v.check(p.Taxonomy == "" || validTaxonomyFormat(p.Taxonomy), "taxonomy", "taxonomy must be a 10-character NUCC code such as 207Q00000X.")
	return v.result()
}

// Facility is a service facility location (837P loop 2310C), when services
// are not rendered at the billing provider's address.
type Facility struct {
	ID      int64   `json:"id"`
	OrgID   int64   `json:"-"`
	Name    string  `json:"name"`
	NPI     string  `json:"npi,omitempty"`
	Address Address `json:"address"`
	// Taxonomy and Kind describe a facility that bills on its own (837I
	// 2000A PRV, and the types of bill it may send: see FacilityKinds).
	Taxonomy string `json:"taxonomy,omitempty"`
	Kind     string `json:"kind,omitempty"`
}

// Validate checks a facility.
func (f *Facility) Validate() error {
	v := &validator{}
	v.required(f.Name, "name")
	v.text(f.Name, "name", 60)
	v.check(f.NPI == "" || ValidNPI(f.NPI), "npi", "npi %q is not a valid NPI.", f.NPI)
	f.Address.validate(v, "address")
	v.check(f.Taxonomy == "" || validTaxonomyFormat(f.Taxonomy), "taxonomy", "taxonomy %q is not shaped like a NUCC taxonomy code.", f.Taxonomy)
	_, known := facilityBills[f.Kind]
	v.check(f.Kind == "" || known, "kind", "kind %q is not one of %s.", f.Kind, strings.Join(FacilityKinds(), ", "))
	return v.result()
}

// validTaxonomyFormat checks the shape of a NUCC taxonomy code (nine
// alphanumerics and a final X); whether it is in the NUCC list is the
// scrubber's job, which has the code set.
func validTaxonomyFormat(s string) bool {
	if len(s) != 10 || s[9] != 'X' {
		return false
	}
	for i := 0; i < 9; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func isUpperAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// OrganizationService manages tenants, their practices, providers and
// facilities.
type OrganizationService interface {
	// CreateOrganization makes a new tenant. It is an administrative act
	// outside any tenant, so it takes no actor.
	CreateOrganization(ctx context.Context, o *Organization) error
	FindOrganizationByID(ctx context.Context, id int64) (*Organization, error)

	CreatePractice(ctx context.Context, p *Practice) error
	FindPracticeByID(ctx context.Context, id int64) (*Practice, error)
	FindPractices(ctx context.Context) ([]*Practice, error)
	UpdatePractice(ctx context.Context, p *Practice) error

	CreateProvider(ctx context.Context, p *Provider) error
	FindProviderByID(ctx context.Context, id int64) (*Provider, error)
	FindProviders(ctx context.Context) ([]*Provider, error)
	UpdateProvider(ctx context.Context, p *Provider) error

	CreateFacility(ctx context.Context, f *Facility) error
	FindFacilities(ctx context.Context) ([]*Facility, error)
}
