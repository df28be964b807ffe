package eligibility

import (
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
)

// Summary says the answer the way a front desk tells a patient: status,
// plan, copays, deductible, coinsurance, out-of-pocket maximum and limits,
// in-network amounts first (EB12 Y, or no network given). For example:
// "Active. Office visit copay $25.00. Deductible $1,500.00, $1,125.00
// remaining. Coinsurance 20% after deductible."
func (r *Result) Summary() string {
	var s sentences
	switch r.Status {
	case Rejected:
		for _, rj := range r.Rejections {
			if strings.HasPrefix(rj.Loop, "2110") {
				continue
			}
			if len(s) == 0 {
				s.add("Not verified: " + rj.Explain())
			} else {
				s.add("Also: " + rj.Explain())
			}
		}
		return s.String()
	case Inactive:
		s.add("Inactive")
		if !r.PlanEnd.IsZero() {
			s.add("Coverage ended " + usDate(r.PlanEnd))
		}
		s.add(r.planSentence(false))
		return s.String()
	case Unknown:
		s.add("No coverage status in the payer's answer; call the payer")
	default:
		s.add("Active")
		s.add(r.planSentence(true))
	}
	s.add(r.copays()...)
	s.add(r.accumulator("C", "Deductible", "Family deductible")...)
	s.add(r.coinsurance()...)
	s.add(r.accumulator("G", "Out-of-pocket maximum", "Family out-of-pocket maximum")...)
	s.add(r.limitations()...)
	for _, b := range r.Benefits {
		switch b.Code {
		case "I":
			s.add("Not covered: " + serviceList(b.ServiceTypes, "the services asked about"))
		case "R":
			for _, e := range b.Entities {
				if e.Name != "" {
					s.add("Another payer is on file (" + e.Name + "); check which one is primary")
				}
			}
		}
	}
	for _, rj := range r.Rejections {
		if strings.HasPrefix(rj.Loop, "2110") {
			s.add("One benefit was not answered: " + rj.Explain())
		}
	}
	return s.String()
}

// sentences joins sentences, each ending with a period, skipping empties.
type sentences []string

func (s *sentences) add(ss ...string) {
	for _, x := range ss {
		if x = strings.TrimSpace(x); x != "" {
			if !strings.HasSuffix(x, ".") {
				x += "."
			}
			*s = append(*s, x)
		}
	}
}

func (s sentences) String() string { return strings.Join(s, " ") }

func (r *Result) planSentence(withName bool) string {
	name := ""
	if withName && r.PlanName != "" {
		name = " " + r.PlanName
	}
	switch {
	case !r.PlanBegin.IsZero() && !r.PlanEnd.IsZero():
		return fmt.Sprintf("Plan%s %s to %s", name, usDate(r.PlanBegin), usDate(r.PlanEnd))
	case !r.PlanBegin.IsZero():
		return fmt.Sprintf("Plan%s since %s", name, usDate(r.PlanBegin))
	case !r.PlanEnd.IsZero() && withName:
		return fmt.Sprintf("Plan%s until %s", name, usDate(r.PlanEnd))
	case name != "":
		return "Plan" + name
	}
	return ""
}

// inNetwork reports whether a benefit applies in network: EB12 Y, W (both)
// or absent (the payer does not distinguish).
func inNetwork(b Benefit) bool { return b.Network == "" || b.Network == "Y" || b.Network == "W" }

// pick returns the benefits with code that pass keep, in network when there
// are any, else out of network (with outNet true).
func (r *Result) pick(code string, keep func(Benefit) bool) (bs []Benefit, outNet bool) {
	var in, out []Benefit
	for _, b := range r.Benefits {
		if b.Code != code || !keep(b) {
			continue
		}
		if inNetwork(b) {
			in = append(in, b)
		} else {
			out = append(out, b)
		}
	}
	if len(in) > 0 {
		return in, false
	}
	return out, len(out) > 0
}

func (r *Result) copays() []string {
	bs, outNet := r.pick("B", func(b Benefit) bool { return b.HasAmount })
	var out []string
	seen := map[string]bool{}
	for _, b := range bs {
		var s string
		switch label := serviceLabel(b.ServiceTypes); {
		case label == "":
			s = "Copay " + b.Amount.Dollars()
		case len(b.ServiceTypes) == 1:
			s = capitalize(label) + " copay " + b.Amount.Dollars()
		default:
			s = "Copay " + b.Amount.Dollars() + " (" + label + ")"
		}
		if b.Period == "27" || b.Period == "36" {
			s += " " + periods[b.Period]
		}
		if outNet {
			s += ", out of network"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (r *Result) coinsurance() []string {
	bs, outNet := r.pick("A", func(b Benefit) bool { return b.HasPercent })
	hasDeductible := false
	for _, b := range r.Benefits {
		if b.Code == "C" && b.HasAmount && b.Amount > 0 {
			hasDeductible = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, b := range bs {
		s := "Coinsurance " + percent(b.Percent)
		if label := serviceLabel(b.ServiceTypes); label != "" {
			s = capitalize(label) + " coinsurance " + percent(b.Percent)
			if len(b.ServiceTypes) > 1 {
				s = "Coinsurance " + percent(b.Percent) + " (" + label + ")"
			}
		}
		if b.Percent == 0 {
			s = strings.Replace(s, "oinsurance 0%", "oinsurance none", 1)
		} else if hasDeductible {
			s += " after deductible"
		}
		if outNet {
			s += ", out of network"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// accumulator says a deductible (EB01 C) or out-of-pocket maximum (G): the
// total for the period (EB06 21 to 25, 32) and what is left (29 remaining,
// 33 lifetime remaining), or the total less the amount met so far (24 year
// to date) when the payer sends that instead. Individual and family
// amounts (EB02) are told apart.
func (r *Result) accumulator(code, individual, family string) []string {
	bs, outNet := r.pick(code, func(b Benefit) bool { return b.HasAmount })
	type acc struct {
		total, left, met   rcm.Money
		hasTotal, hasLeft  bool
		hasMet             bool
		label, serviceNote string
	}
	var order []string
	accs := map[string]*acc{}
	for _, b := range bs {
		level := individual
		if b.CoverageLevel == "FAM" {
			level = family
		}
		a := accs[level]
		if a == nil {
			a = &acc{label: level}
			if l := serviceLabel(b.ServiceTypes); l != "" {
				a.serviceNote = " (" + l + ")"
			}
			accs[level] = a
			order = append(order, level)
		}
		switch b.Period {
		case "29", "33":
			if !a.hasLeft {
				a.left, a.hasLeft = b.Amount, true
			}
		case "24":
			if !a.hasMet {
				a.met, a.hasMet = b.Amount, true
			}
		default:
			if !a.hasTotal {
				a.total, a.hasTotal = b.Amount, true
			}
		}
	}
	var out []string
	for _, level := range order {
		a := accs[level]
		if !a.hasLeft && a.hasTotal && a.hasMet {
			a.left, a.hasLeft = max(a.total-a.met, 0), true
		}
		var s string
		switch {
		case a.hasTotal && a.hasLeft:
			s = fmt.Sprintf("%s %s, %s remaining", a.label, a.total.Dollars(), a.left.Dollars())
		case a.hasTotal:
			s = fmt.Sprintf("%s %s", a.label, a.total.Dollars())
		case a.hasLeft:
			s = fmt.Sprintf("%s: %s remaining", a.label, a.left.Dollars())
		default:
			s = fmt.Sprintf("%s: %s met so far", a.label, a.met.Dollars())
		}
		s += a.serviceNote
		if outNet {
			s += ", out of network"
		}
		out = append(out, s)
	}
	return out
}

// limitations says EB01 F benefits: a number of visits or an amount per
// period, or what remains of one.
func (r *Result) limitations() []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range r.Benefits {
		if b.Code != "F" {
			continue
		}
		var what string
		switch {
		case b.Quantity != "":
			unit := quantityUnits[b.Unit]
			if unit == "" {
				unit = "units"
			}
			what = b.Quantity + " " + unit
		case b.HasAmount:
			what = b.Amount.Dollars()
		case len(b.Limits) > 0:
			what = strings.Join(b.Limits, "; ")
		default:
			continue
		}
		label := capitalize(serviceLabel(b.ServiceTypes))
		if label == "" {
			label = "Benefits"
		}
		var s string
		switch b.Period {
		case "29", "33":
			s = fmt.Sprintf("%s: %s remaining", label, what)
		default:
			s = fmt.Sprintf("%s limited to %s", label, what)
			if p := periods[b.Period]; p != "" {
				s += " " + p
			}
		}
		if !inNetwork(b) {
			s += ", out of network"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// serviceLabel names the service types of a benefit: "" for the plan as a
// whole (30 or none), the type's words for one, and the first three and a
// count for more.
func serviceLabel(codes []string) string {
	if len(codes) == 0 || len(codes) == 1 && codes[0] == DefaultServiceType {
		return ""
	}
	return serviceList(codes, "")
}

func serviceList(codes []string, none string) string {
	var names []string
	for _, c := range codes {
		n := ServiceTypes[c]
		if n == "" {
			n = "service type " + c
		}
		names = append(names, n)
	}
	switch {
	case len(names) == 0:
		return none
	case len(names) == 1:
		return names[0]
	case len(names) <= 3:
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// percent formats basis points: 2000 -> "20%", 1250 -> "12.5%".
func percent(bp int) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// usDate writes a date the way US front desks read one.
func usDate(d rcm.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Month, d.Day, d.Year) }

// String describes the benefit on one line, for a detailed listing:
// "Co-payment: office visit, $25.00 per visit, in network".
func (b Benefit) String() string {
	name := benefitCodes[b.Code]
	if name == "" {
		name = "Benefit " + b.Code
	}
	var parts []string
	if l := serviceLabel(b.ServiceTypes); l != "" {
		parts = append(parts, l)
	}
	if b.CoverageLevel == "FAM" {
		parts = append(parts, "family")
	}
	if b.Plan != "" {
		parts = append(parts, b.Plan)
	}
	amount := ""
	switch {
	case b.HasAmount:
		amount = b.Amount.Dollars()
	case b.HasPercent:
		amount = percent(b.Percent)
	case b.Quantity != "":
		amount = b.Quantity + " " + quantityUnits[b.Unit]
	}
	if p := periods[b.Period]; p != "" {
		amount = strings.TrimSpace(amount + " " + p)
	}
	if amount != "" {
		parts = append(parts, amount)
	}
	switch b.Network {
	case "Y":
		parts = append(parts, "in network")
	case "N":
		parts = append(parts, "out of network")
	}
	if b.AuthRequired == "Y" {
		parts = append(parts, "authorization required")
	}
	if !b.Begin.IsZero() || !b.End.IsZero() {
		parts = append(parts, strings.TrimSpace(dateOr(b.Begin, "")+" to "+dateOr(b.End, "")))
	}
	parts = append(parts, b.Limits...)
	for _, e := range b.Entities {
		role := entityRoles[e.Role]
		if role == "" {
			role = "entity " + e.Role
		}
		parts = append(parts, role+" "+e.Name)
	}
	parts = append(parts, b.Messages...)
	if len(parts) == 0 {
		return name
	}
	return name + ": " + strings.Join(parts, ", ")
}

func dateOr(d rcm.Date, none string) string {
	if d.IsZero() {
		return none
	}
	return usDate(d)
}
