package codeset

import "sort"

// Revision is a code whose description or billable status changed between
// two releases.
type Revision struct {
	Code        string `json:"code"`
	OldDesc     string `json:"old_description"`
	NewDesc     string `json:"new_description"`
	OldBillable bool   `json:"old_billable"`
	NewBillable bool   `json:"new_billable"`
}

// Changes is what a coder reviews when a new release takes effect.
type Changes struct {
	System  System     `json:"system"`
	Old     string     `json:"old"`
	New     string     `json:"new"`
	Added   []Hit      `json:"added"`
	Deleted []Hit      `json:"deleted"`
	Revised []Revision `json:"revised"`
}

// Diff compares two releases of one system: codes added, deleted, and
// revised (a new description, or a change between header and billable).
func Diff(old, new *Release) *Changes {
	ch := &Changes{System: new.System, Old: old.Version, New: new.Version}
	was := make(map[string]Code, len(old.Codes))
	for _, c := range old.Codes {
		was[c.Code] = c
	}
	is := make(map[string]bool, len(new.Codes))
	hit := func(c Code) Hit {
		return Hit{System: new.System, Code: Display(new.System, c.Code), Description: c.Description(), Billable: c.Billable}
	}
	for _, c := range new.Codes {
		is[c.Code] = true
		o, ok := was[c.Code]
		switch {
		case !ok:
			ch.Added = append(ch.Added, hit(c))
		case o.Description() != c.Description() || o.Billable != c.Billable:
			ch.Revised = append(ch.Revised, Revision{Code: Display(new.System, c.Code), OldDesc: o.Description(), NewDesc: c.Description(),
				OldBillable: o.Billable, NewBillable: c.Billable})
		}
	}
	for _, c := range old.Codes {
		if !is[c.Code] {
			ch.Deleted = append(ch.Deleted, hit(c))
		}
	}
	sort.Slice(ch.Added, func(i, j int) bool { return ch.Added[i].Code < ch.Added[j].Code })
	sort.Slice(ch.Deleted, func(i, j int) bool { return ch.Deleted[i].Code < ch.Deleted[j].Code })
	sort.Slice(ch.Revised, func(i, j int) bool { return ch.Revised[i].Code < ch.Revised[j].Code })
	return ch
}
