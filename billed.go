package rcm

// BilledMeaning says what a billed total counts; every screen, command
// and API answer that shows one says it in these words.
const BilledMeaning = "billed on original claims to the first payer, excluding voided claims, replacement and void claims (frequency 7 and 8) and secondary claims"

// Billed is the billed measure over a set of claims: the charges of the
// claims that bill a service for the first time, and how many there are.
// A replacement or a void claim (CLM05-3 7 or 8) bills again what its
// original billed; a secondary claim bills the same lines to the next
// payer; a voided claim was withdrawn. Counting any of them would bill a
// service twice, which is how two screens came to disagree (issue 16).
type Billed struct {
	Amount Money `json:"amount"`
	// Claims is how many claims the amount counts.
	Claims int `json:"claims"`
	// Meaning is BilledMeaning, so an API answer says what it counts.
	Meaning string `json:"meaning"`
}

// CountsAsBilled reports whether a claim's charges count in the billed
// measure: an original claim (frequency 1) to the first payer (no earlier
// payer's adjudication on it) that was not voided.
func CountsAsBilled(c *Claim) bool {
	return c.Frequency == FrequencyOriginal && len(c.Prior) == 0 && c.State != ClaimVoided
}

// BilledOf computes the billed measure over claims. It is the one place
// the measure is computed: the claims list, the dashboard, the API and
// the command line all call it.
func BilledOf(cs []*Claim) Billed {
	b := Billed{Meaning: BilledMeaning}
	for _, c := range cs {
		if CountsAsBilled(c) {
			b.Amount += c.TotalCharge()
			b.Claims++
		}
	}
	return b
}
