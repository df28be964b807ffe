package rcm

import "sort"

// ClaimStates returns every claim state, sorted, for the filters and the
// messages that name them.
func ClaimStates() []string {
	out := make([]string, 0, len(claimTransitions))
	for s := range claimTransitions {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// IsClaimState reports whether s is a claim state, so a filter on an
// unknown state is refused rather than silently empty.
func IsClaimState(s string) bool {
	_, ok := claimTransitions[s]
	return ok
}
