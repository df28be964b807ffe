package statement

import (
	"strings"

	"github.com/openrcm/openrcm"
)

// Addressee is whom a statement is mailed to: the patient, or the
// guarantor responsible for the patient's bill (a parent, a guardian).
type Addressee struct {
	Name    string      `json:"name"`
	Address rcm.Address `json:"address"`
	// For names the patient when the statement goes to a guarantor.
	For string `json:"for,omitempty"`
}

// AddressedTo returns the statement's addressee: the patient's guarantor
// when one other than the patient is set, else the patient.
func (st *Statement) AddressedTo() Addressee {
	p := st.Patient
	patient := strings.Join(strings.Fields(strings.Join([]string{p.FirstName, p.MiddleName, p.LastName}, " ")), " ")
	if g := p.Guarantor; g != nil && g.Relationship != rcm.GuarantorSelf {
		return Addressee{Name: strings.Join(strings.Fields(g.FirstName+" "+g.LastName), " "), Address: g.Address, For: patient}
	}
	return Addressee{Name: patient, Address: p.Address}
}
