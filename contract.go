package rcm

import "context"

// ContractRate is what a payer agreed to pay for a service: the allowed
// amount per code and modifier over a range of dates, for the service or,
// when PerUnit, for each unit billed. It is the fee schedule's other half:
// the fee schedule says what the practice charges, the contract what the
// payer allows; the payer pays the allowed amount less the patient's share.
type ContractRate struct {
	PayerID       int64  `json:"payer_id"`
	Code          string `json:"code"`
	Modifier      string `json:"modifier,omitempty"`
	Allowed       Money  `json:"allowed"`
	PerUnit       bool   `json:"per_unit,omitempty"`
	EffectiveFrom Date   `json:"effective_from"`
	// EffectiveTo is the last day the rate is in force; zero means until
	// a later rate for the same service takes over.
	EffectiveTo Date `json:"effective_to,omitzero"`
}

// Expected is what the rate allows for a service of units units (units
// below 1 count as 1).
func (r *ContractRate) Expected(units int) Money {
	if !r.PerUnit || units < 1 {
		return r.Allowed
	}
	return r.Allowed * Money(units)
}

// ContractFilter narrows FindContractRates. Zero fields match every rate;
// On keeps the rates in force on that day.
type ContractFilter struct {
	PayerID int64
	Code    string
	On      Date
	Limit   int
	Offset  int
}

// ContractQuery asks for the rate in force for one service.
type ContractQuery struct {
	PayerID  int64
	Code     string
	Modifier string
	On       Date
}

// ContractService keeps the payers' contracted (allowed) amounts.
type ContractService interface {
	// FindContractRates lists rates by payer, code, modifier and start.
	FindContractRates(ctx context.Context, f ContractFilter) ([]*ContractRate, error)
	// ImportContractRates stores rates all or nothing: a rate with the
	// same payer, code, modifier and start replaces the stored one.
	ImportContractRates(ctx context.Context, rates []ContractRate) error
	// FindContractRateFor returns the rate in force for a service: the
	// rate for the modifier before the code's own, then the latest start;
	// ENOTFOUND when the payer has none.
	FindContractRateFor(ctx context.Context, q ContractQuery) (*ContractRate, error)
}
