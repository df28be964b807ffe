package payer

import (
	"github.com/openrcm/openrcm"
)

// InstitutionalContract prices facility claims (837I): a per-diem for
// inpatient accommodation days, fees by HCPCS code for outpatient lines
// that carry one, fees by revenue code for the rest, else a share of the
// charge. A line none of these prices is not covered (CO-96).
type InstitutionalContract struct {
	// PerDiem is paid per day (SV205 units) on the accommodation revenue
	// codes (0100-0219) of an inpatient bill.
	PerDiem rcm.Money `json:"per_diem,omitempty"`
	// HCPCSFees maps "66984" or "66984:RT" to the facility's allowed
	// amount for one unit.
	HCPCSFees map[string]rcm.Money `json:"hcpcs_fees,omitempty"`
	// RevenueFees maps a four-digit revenue code to the allowed amount for
	// one unit.
	RevenueFees map[string]rcm.Money `json:"revenue_fees,omitempty"`
	// ChargePercent allows this share of the billed charge for lines no
	// fee prices.
	ChargePercent Percent `json:"charge_percent,omitempty"`
}

// accommodation reports whether a revenue code is a room-and-board
// (accommodation) code, which a per-diem pays by the day.
func accommodation(rev string) bool {
	return len(rev) == 4 && rev >= "0100" && rev <= "0219"
}

// base is the allowed amount of a facility line before cost sharing, and
// false when the contract does not price it.
func (ic *InstitutionalContract) base(l *LinePayment, inpatient bool) (rcm.Money, bool) {
	if inpatient && ic.PerDiem > 0 && accommodation(l.RevenueCode) {
		return mulMilli(ic.PerDiem, l.milli), true
	}
	if l.Qualifier != "NU" {
		for _, m := range l.Modifiers {
			if f, ok := ic.HCPCSFees[l.Code+":"+m]; ok {
				return mulMilli(f, l.milli), true
			}
		}
		if f, ok := ic.HCPCSFees[l.Code]; ok {
			return mulMilli(f, l.milli), true
		}
	}
	if f, ok := ic.RevenueFees[l.RevenueCode]; ok {
		return mulMilli(f, l.milli), true
	}
	if ic.ChargePercent > 0 {
		return ic.ChargePercent.Of(l.Charge), true
	}
	return 0, false
}
