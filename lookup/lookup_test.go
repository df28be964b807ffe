package lookup

import (
	"context"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

type payers []*rcm.Payer

func (p payers) FindPayers(context.Context) ([]*rcm.Payer, error) { return p, nil }

type providers []*rcm.Provider

func (p providers) FindProviders(context.Context) ([]*rcm.Provider, error) { return p, nil }

// TestPayerAndProvider: payer ID, id, whole name and the start of one
// name find a payer; an NPI or a name finds a provider; a name several
// share is a conflict that lists them; an unknown one is not found.
func TestPayerAndProvider(t *testing.T) {
	ps := payers{{ID: 1, Name: "Medicare Part B", PayerID: "SBMCR"}, {ID: 2, Name: "Medicaid of Illinois", PayerID: "SBMCD"}, {ID: 3, Name: "Prairie PPO", PayerID: "12"}}
	tests := []struct {
		ref      string
		wantID   int64
		wantCode string
	}{
		{"SBMCR", 1, ""}, {"sbmcd", 2, ""}, {"2", 2, ""}, {"medicare part b", 1, ""}, {"Prairie", 3, ""},
		{"12", 3, ""}, // a payer ID wins over an internal id
		{"Medic", 0, rcm.ECONFLICT}, {"Aetna", 0, rcm.ENOTFOUND}, {" ", 0, rcm.EINVALID},
	}
	for _, tt := range tests {
		p, err := Payer(context.Background(), ps, tt.ref)
		if code := rcm.ErrorCode(err); code != tt.wantCode || (err == nil && p.ID != tt.wantID) {
			t.Errorf("Payer(%q) = %+v, %v; want id %d, code %q", tt.ref, p, err, tt.wantID, tt.wantCode)
		}
	}
	if _, err := Payer(context.Background(), ps, "Medic"); err == nil || !strings.Contains(rcm.ErrorMessage(err), "Medicare Part B; Medicaid of Illinois") {
		t.Errorf("an ambiguous name does not list the candidates: %v", err)
	}
	pr := providers{{ID: 7, FirstName: "Maya", LastName: "Okafor", NPI: "1245319599"}, {ID: 8, FirstName: "Sam", LastName: "Okafor", NPI: "1234567893"}}
	for ref, want := range map[string]int64{"1245319599": 7, "Sam Okafor": 8, "Okafor, Maya": 7, "8": 8} {
		p, err := Provider(context.Background(), pr, ref)
		if err != nil || p.ID != want {
			t.Errorf("Provider(%q) = %+v, %v; want %d", ref, p, err, want)
		}
	}
	if _, err := Provider(context.Background(), pr, "Okafor"); rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("Provider(Okafor) = %v, want a conflict", err)
	}
}
